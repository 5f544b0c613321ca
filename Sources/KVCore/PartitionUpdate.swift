/// Everything one write does to one partition of one table: the unit the commit log
/// records, the memtable applies and (later) replicas receive.
public struct PartitionUpdate: Sendable, Hashable {
    /// The partition key, encoded by the caller (for CQL tables: the order-preserving token
    /// followed by the serialized key), so that byte order is storage order.
    public var partitionKey: [UInt8]
    /// Deletes the whole partition as of this time.
    public var partitionDeletion: DeletionTime?
    /// Clustering-range deletions.
    public var rangeTombstones: [RangeTombstone]
    /// Row fragments, each with a distinct clustering key.
    public var rows: [Row]

    public init(partitionKey: [UInt8], partitionDeletion: DeletionTime? = nil,
                rangeTombstones: [RangeTombstone] = [], rows: [Row] = []) {
        self.partitionKey = partitionKey
        self.partitionDeletion = partitionDeletion
        self.rangeTombstones = rangeTombstones
        self.rows = rows
    }

    /// The newest of the partition deletion and the range tombstones covering `clustering`.
    public func deletion(covering clustering: [UInt8]) -> DeletionTime? {
        var outer = partitionDeletion
        for range in rangeTombstones where range.covers(clustering) {
            outer = DeletionTime.latest(outer, range.deletion)
        }
        return outer
    }
}

/// Identifies a table for its whole life (a UUID, as Cassandra's table ids); a table
/// re-created under the same name gets a new id.
public struct TableID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh random id.
    public static func random(_ source: any RandomSource) -> TableID {
        TableID(high: source.nextUInt64(), low: source.nextUInt64())
    }

    public static func < (left: TableID, right: TableID) -> Bool {
        (left.high, left.low) < (right.high, right.low)
    }

    /// 32 lowercase hex digits.
    public var description: String {
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(high) + hex(low)
    }

    /// Parses `description`'s form.
    public init?(hex: String) {
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit), let high = UInt64(hex.prefix(16), radix: 16),
              let low = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(high: high, low: low)
    }
}
