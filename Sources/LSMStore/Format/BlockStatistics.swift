import KVCore

/// What one data block holds, kept in the SSTable index so that a filtered scan can skip
/// blocks without reading them (`SSTableIterator.blockFilter`).
///
/// Skipping is only safe when no row of the block can matter to the result: a block with
/// tombstones (`tombstoneCount > 0`) may shadow data in older SSTables and must be read
/// even when none of its live values match.
public struct BlockStatistics: Sendable, Hashable {
    /// Rows (entries) in the block.
    public var rowCount: Int
    /// Smallest timestamp of any cell or row deletion in the block (`Int64.max` if none).
    public var minTimestamp: Int64
    /// Largest timestamp of any cell or row deletion in the block (`Int64.min` if none).
    public var maxTimestamp: Int64
    /// Cell tombstones plus row deletions.
    public var tombstoneCount: Int
    /// Expiring (TTL) cells, whether or not they have expired yet.
    public var expiringCount: Int
    /// For each column of `SSTableWriterOptions.columnOrderings`: the bounds of its values
    /// in this block, over live and expiring cells without a path.
    public var columns: [UInt32: ColumnStatistics]

    /// Statistics of an empty block.
    public init(rowCount: Int = 0, minTimestamp: Int64 = .max, maxTimestamp: Int64 = .min,
                tombstoneCount: Int = 0, expiringCount: Int = 0, columns: [UInt32: ColumnStatistics] = [:]) {
        self.rowCount = rowCount
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
        self.tombstoneCount = tombstoneCount
        self.expiringCount = expiringCount
        self.columns = columns
    }
}

/// Bounds of one column's values in a block, as `ValueOrdering.sortKey` bytes.
///
/// Keys are stored in at most `maxSortKeySizeBytes` (32) bytes:
/// - `minSortKey` is the smallest sort key, cut to 32 bytes. A prefix sorts at or before the
///   key, so it stays a lower bound.
/// - `maxSortKey` is the largest sort key when that fits (`maxIsExact`). Otherwise
///   `maxIsExact` is false and `maxSortKey` is a strict upper bound: the first 32 bytes with
///   trailing 0xFF bytes dropped and the last remaining byte incremented. If all 32 bytes
///   are 0xFF it is empty, meaning "no upper bound".
/// When `liveCellCount` is 0 both keys are empty and meaningless.
public struct ColumnStatistics: Sendable, Hashable {
    /// The most bytes a stored sort key has.
    public static let maxSortKeySizeBytes = 32

    /// Live and expiring pathless cells of the column in the block.
    public var liveCellCount: Int
    /// A lower bound of the sort keys: the smallest, cut to 32 bytes.
    public var minSortKey: [UInt8]
    /// The largest sort key if `maxIsExact`, else a strict upper bound (empty: none).
    public var maxSortKey: [UInt8]
    /// Whether `maxSortKey` is the largest sort key itself.
    public var maxIsExact: Bool

    /// Bounds as stored; see the type's rules.
    public init(liveCellCount: Int, minSortKey: [UInt8], maxSortKey: [UInt8], maxIsExact: Bool) {
        self.liveCellCount = liveCellCount
        self.minSortKey = minSortKey
        self.maxSortKey = maxSortKey
        self.maxIsExact = maxIsExact
    }

    /// Whether some value in the block may have a sort key in `lower...upper` (nil: open).
    /// False only when the stored bounds prove none does.
    public func mayContain(sortKeysFrom lower: [UInt8]?, through upper: [UInt8]?) -> Bool {
        guard liveCellCount > 0 else { return false }
        if let upper, compareBytes(minSortKey, upper) > 0 { return false }
        guard let lower else { return true }
        if maxIsExact { return compareBytes(maxSortKey, lower) >= 0 }
        return maxSortKey.isEmpty || compareBytes(maxSortKey, lower) > 0
    }
}

// MARK: Encoding (inside index entries)

extension BlockStatistics {
    private static let maxIsExactFlag: UInt8 = 0x01

    /// Appends: row count, min and max timestamp (zigzag), tombstone count, expiring count,
    /// column count, then per column in increasing id order: id, live cell count, flags
    /// (bit 0: max is exact), min sort key and max sort key (length-prefixed).
    func encode(into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(rowCount))
        writer.writeSignedVarint(minTimestamp)
        writer.writeSignedVarint(maxTimestamp)
        writer.writeVarint(UInt64(tombstoneCount))
        writer.writeVarint(UInt64(expiringCount))
        writer.writeVarint(UInt64(columns.count))
        for column in columns.keys.sorted() {
            let statistics = columns[column]!
            writer.writeVarint(UInt64(column))
            writer.writeVarint(UInt64(statistics.liveCellCount))
            writer.writeUInt8(statistics.maxIsExact ? Self.maxIsExactFlag : 0)
            writer.writeLengthPrefixed(statistics.minSortKey)
            writer.writeLengthPrefixed(statistics.maxSortKey)
        }
    }

    /// Reads what `encode` wrote.
    static func decode(from reader: inout ByteReader) throws(DecodeError) -> BlockStatistics {
        var statistics = BlockStatistics()
        statistics.rowCount = try reader.readLength(limit: Int(Int32.max))
        statistics.minTimestamp = try reader.readSignedVarint()
        statistics.maxTimestamp = try reader.readSignedVarint()
        statistics.tombstoneCount = try reader.readLength(limit: Int.max)
        statistics.expiringCount = try reader.readLength(limit: Int.max)
        let columnCount = try reader.readLength(limit: reader.remaining)
        for _ in 0..<columnCount {
            let start = reader.offset
            let column = try reader.readLength(limit: Int(UInt32.max))
            let liveCellCount = try reader.readLength(limit: Int.max)
            let flags = try reader.readUInt8()
            guard flags & ~maxIsExactFlag == 0 else {
                throw .malformed(offset: reader.offset - 1, reason: "unknown column statistics flags \(flags)")
            }
            let minimum = try reader.readLengthPrefixed(), maximum = try reader.readLengthPrefixed()
            guard statistics.columns.updateValue(
                ColumnStatistics(liveCellCount: liveCellCount, minSortKey: minimum, maxSortKey: maximum,
                                 maxIsExact: flags & maxIsExactFlag != 0),
                forKey: UInt32(column)) == nil else {
                throw .malformed(offset: start, reason: "column \(column) listed twice in block statistics")
            }
        }
        return statistics
    }
}
