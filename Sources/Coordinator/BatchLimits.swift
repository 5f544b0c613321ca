import KVCore

/// Cassandra's batch guardrails (`BatchStatement.verifyBatchSize` and `verifyBatchType`),
/// checked before a batch is written. Sizes are `Mutation.dataSizeBytes` summed over the
/// batch's mutations; like Cassandra, only batches over more than one partition are checked.
public struct BatchLimits: Sendable, Equatable {
    /// `batch_size_warn_threshold_in_kb`: a larger batch gets a client warning.
    public var warnThresholdBytes: Int
    /// `batch_size_fail_threshold_in_kb`: a larger batch is refused ("Batch too large").
    public var failThresholdBytes: Int
    /// `unlogged_batch_across_partitions_warn_threshold`: an unlogged batch over more
    /// partitions gets a client warning.
    public var unloggedPartitionsWarnThreshold: Int

    /// Cassandra's defaults: 5 KiB, 50 KiB, 10 partitions.
    public init(warnThresholdBytes: Int = 5 * 1024, failThresholdBytes: Int = 50 * 1024, unloggedPartitionsWarnThreshold: Int = 10) {
        self.warnThresholdBytes = warnThresholdBytes
        self.failThresholdBytes = failThresholdBytes
        self.unloggedPartitionsWarnThreshold = unloggedPartitionsWarnThreshold
    }

    /// The client warnings for the batch `groups` (tables named `keyspace.table` by
    /// `tableNames`); throws `.invalid("Batch too large")` (InvalidRequest) over the fail threshold.
    public func check(_ groups: [KeyspaceMutations], tableNames: [TableID: String],
                      logged: Bool) throws(CoordinatorError) -> [String] {
        let partitions = KeyspaceMutations.partitionCount(groups)
        guard partitions > 1 else { return [] }
        let mutations = groups.flatMap(\.mutations)
        let names = "[" + Set(mutations.map { tableNames[$0.table] ?? "\($0.table)" }).sorted().joined(separator: ", ") + "]"
        var warnings: [String] = []
        let size = mutations.reduce(0) { $0 + $1.dataSizeBytes }
        if size > failThresholdBytes { throw .invalid("Batch too large") }
        if size > warnThresholdBytes {
            warnings.append("Batch for \(names) is of size \(size), exceeding specified threshold of \(warnThresholdBytes) "
                            + "by \(size - warnThresholdBytes).")
        }
        if !logged, partitions > unloggedPartitionsWarnThreshold {
            let tableCount = Set(mutations.map(\.table)).count
            warnings.append("Unlogged batch covering \(partitions) partitions detected against table\(tableCount == 1 ? "" : "s") "
                            + "\(names). You should use a logged batch for atomicity, or asynchronous writes for performance.")
        }
        return warnings
    }
}
