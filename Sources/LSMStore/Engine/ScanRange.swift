import KVCore

/// A range of packed row keys for a scan: `start` inclusive, `end` exclusive; nil is open.
public struct ScanRange: Sendable, Equatable {
    public var start: [UInt8]?
    public var end: [UInt8]?

    public init(start: [UInt8]? = nil, end: [UInt8]? = nil) {
        self.start = start
        self.end = end
    }

    /// Every row.
    public static let all = ScanRange()

    /// The rows of one partition.
    public static func partition(_ partitionKey: [UInt8]) -> ScanRange {
        let prefix = RowKey.partitionPrefix(partitionKey)
        var end = prefix
        end[end.count - 1] += 1  // past every key that starts with the prefix (its last byte is 0x01)
        return ScanRange(start: prefix, end: end)
    }

    /// Partitions from `first` (inclusive) up to `last` (exclusive), by partition key order.
    public static func partitions(from first: [UInt8]?, to last: [UInt8]?) -> ScanRange {
        ScanRange(start: first.map(RowKey.partitionPrefix), end: last.map(RowKey.partitionPrefix))
    }
}
