import CQL
import Coordinator
import KVCore

/// Cassandra's batch guardrails (`BatchStatement.verifyBatchSize` and `verifyBatchType`),
/// checked before a batch is written. Sizes are `Mutation.dataSizeBytes` summed over the
/// batch's mutations; like Cassandra, only batches over more than one partition are checked.
struct BatchLimits: Sendable, Equatable {
    /// `batch_size_warn_threshold_in_kb`: a larger batch gets a client warning.
    var warnThresholdBytes = 5 * 1024
    /// `batch_size_fail_threshold_in_kb`: a larger batch is refused ("Batch too large").
    var failThresholdBytes = 50 * 1024
    /// `unlogged_batch_across_partitions_warn_threshold`: an unlogged batch over more
    /// partitions gets a client warning.
    var unloggedPartitionsWarnThreshold = 10

    /// The client warnings for the batch `groups` (tables named `keyspace.table` by
    /// `tableNames`); throws InvalidRequest "Batch too large" over the fail threshold.
    func check(_ groups: [KeyspaceMutations], tableNames: [TableID: String], logged: Bool) throws(ErrorResponse) -> [String] {
        let partitions = KeyspaceMutations.partitionCount(groups)
        guard partitions > 1 else { return [] }
        let mutations = groups.flatMap(\.mutations)
        let names = "[" + Set(mutations.map { tableNames[$0.table] ?? "\($0.table)" }).sorted().joined(separator: ", ") + "]"
        var warnings: [String] = []
        let size = mutations.reduce(0) { $0 + $1.dataSizeBytes }
        if size > failThresholdBytes { throw ErrorResponse(.invalid, message: "Batch too large") }
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
