import KVCore

/// The rows a coordinated read returns: the live view of each partition (only live cells,
/// every deletion applied), and where the next page starts (nil when nothing follows).
public struct ReadResult: Sendable, Equatable {
    public var partitions: [PartitionUpdate]
    public var nextPosition: RowPosition?

    public init(partitions: [PartitionUpdate], nextPosition: RowPosition?) {
        self.partitions = partitions
        self.nextPosition = nextPosition
    }

    /// The number of live rows.
    public var rowCount: Int { partitions.reduce(0) { $0 + $1.rows.count } }
}
