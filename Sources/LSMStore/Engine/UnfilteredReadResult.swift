import KVCore

/// What a replica knows of a key range, deletions included: the answer a coordinator
/// reconciles with other replicas' (see `LSMTable.readUnfiltered`).
public struct UnfilteredReadResult: Sendable, Equatable {
    /// Partitions in storage order, each reconciled across memtables and SSTables.
    public var partitions: [PartitionUpdate]
    /// False when the read stopped because of a limit (more may follow after the last row
    /// returned); true when it read the whole range.
    public var isExhausted: Bool

    public init(partitions: [PartitionUpdate] = [], isExhausted: Bool = true) {
        self.partitions = partitions
        self.isExhausted = isExhausted
    }

    /// The rest of `range` after this page, or nil if the read was exhausted. `range` must
    /// be the range this page was read from. A page that stopped inside a partition resumes
    /// after its last row; one that stopped after a partition with no rows (only deletions)
    /// resumes after that partition.
    public func remainder(of range: ScanRange) -> ScanRange? {
        guard !isExhausted, let last = partitions.last else { return nil }
        if let row = last.rows.last {
            return .resuming(after: range, partition: last.partitionKey, clustering: row.clustering)
        }
        return .resuming(after: range, partition: last.partitionKey)
    }
}
