import KVCore

/// Facts about a whole SSTable, computed by `SSTableWriter` and stored in the file's
/// statistics block, so that reads, compaction and tools can use them without a scan.
public struct SSTableStatistics: Sendable, Hashable {
    /// Rows (data entries).
    public var entryCount: Int
    /// Distinct partitions among rows and tombstones. Counted by the 64-bit bloom hash of
    /// the partition prefix, so a hash collision (odds about n²/2⁶⁵) undercounts by one.
    public var partitionCount: Int
    /// The smallest packed key: the first row key or the first tombstone partition prefix,
    /// whichever sorts first. Empty for a file with neither.
    public var firstKey: [UInt8]
    /// The largest packed key: the last row key or the last tombstone partition prefix,
    /// whichever sorts last. A tombstone may cover rows after its partition prefix, so a
    /// reader testing overlap must treat the whole partition of `lastKey` as covered.
    public var lastKey: [UInt8]
    /// Smallest timestamp over cells, row deletions, partition and range tombstones
    /// (`Int64.max` if none).
    public var minTimestamp: Int64
    /// Largest such timestamp (`Int64.min` if none).
    public var maxTimestamp: Int64
    /// Cell tombstones (deleted columns or collection elements).
    public var cellTombstoneCount: Int
    /// Rows carrying a row deletion.
    public var rowDeletionCount: Int
    /// Clustering range tombstones, over all partitions.
    public var rangeTombstoneCount: Int
    /// Partitions carrying a partition deletion.
    public var partitionDeletionCount: Int
    /// Expiring (TTL) cells, expired or not when written.
    public var expiringCellCount: Int
    /// The earliest `localSeconds` of any tombstone or expiring cell (`Int64.max` if none):
    /// compaction can purge nothing in this file before that time plus gc grace.
    public var minLocalDeletionSeconds: Int64
    /// Bytes of data blocks on disk, trailers included.
    public var dataSizeBytes: Int
    /// Bytes of data blocks before compression.
    public var uncompressedSizeBytes: Int
    /// Data blocks.
    public var blockCount: Int

    /// The statistics of an empty file.
    public init() {
        entryCount = 0
        partitionCount = 0
        firstKey = []
        lastKey = []
        minTimestamp = .max
        maxTimestamp = .min
        cellTombstoneCount = 0
        rowDeletionCount = 0
        rangeTombstoneCount = 0
        partitionDeletionCount = 0
        expiringCellCount = 0
        minLocalDeletionSeconds = .max
        dataSizeBytes = 0
        uncompressedSizeBytes = 0
        blockCount = 0
    }
}

// MARK: Accumulating

extension SSTableStatistics {
    /// Counts one row.
    mutating func include(_ summary: RowSummary) {
        entryCount += 1
        minTimestamp = min(minTimestamp, summary.minTimestamp)   // .max when the row has none
        maxTimestamp = max(maxTimestamp, summary.maxTimestamp)
        cellTombstoneCount += summary.cellTombstoneCount
        rowDeletionCount += summary.hasRowDeletion ? 1 : 0
        expiringCellCount += summary.expiringCellCount
        minLocalDeletionSeconds = min(minLocalDeletionSeconds, summary.minLocalDeletionSeconds)
    }

    /// Counts one partition's tombstones (timestamps and counts, not keys).
    mutating func include(_ tombstones: PartitionTombstones) {
        if let deletion = tombstones.deletion {
            partitionDeletionCount += 1
            include(deletion)
        }
        rangeTombstoneCount += tombstones.ranges.count
        for range in tombstones.ranges { include(range.deletion) }
    }

    private mutating func include(_ deletion: DeletionTime) {
        minTimestamp = min(minTimestamp, deletion.timestamp)
        maxTimestamp = max(maxTimestamp, deletion.timestamp)
        minLocalDeletionSeconds = min(minLocalDeletionSeconds, deletion.localSeconds)
    }
}

// MARK: Encoding (the statistics block)

extension SSTableStatistics {
    /// The statistics block: entry count, partition count, first key, last key
    /// (length-prefixed), min and max timestamp (zigzag), cell tombstone, row deletion,
    /// range tombstone, partition deletion and expiring cell counts, min local deletion
    /// seconds (zigzag), data size, uncompressed size, block count. Varints unless noted.
    func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + firstKey.count + lastKey.count)
        for count in [entryCount, partitionCount] { writer.writeVarint(UInt64(count)) }
        writer.writeLengthPrefixed(firstKey)
        writer.writeLengthPrefixed(lastKey)
        writer.writeSignedVarint(minTimestamp)
        writer.writeSignedVarint(maxTimestamp)
        for count in [cellTombstoneCount, rowDeletionCount, rangeTombstoneCount, partitionDeletionCount,
                      expiringCellCount] {
            writer.writeVarint(UInt64(count))
        }
        writer.writeSignedVarint(minLocalDeletionSeconds)
        for size in [dataSizeBytes, uncompressedSizeBytes, blockCount] { writer.writeVarint(UInt64(size)) }
        return writer.bytes
    }

    /// Reads the statistics block; every byte must be used.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> SSTableStatistics {
        var reader = ByteReader(bytes)
        var statistics = SSTableStatistics()
        statistics.entryCount = try reader.readLength(limit: Int.max)
        statistics.partitionCount = try reader.readLength(limit: Int.max)
        statistics.firstKey = try reader.readLengthPrefixed()
        statistics.lastKey = try reader.readLengthPrefixed()
        statistics.minTimestamp = try reader.readSignedVarint()
        statistics.maxTimestamp = try reader.readSignedVarint()
        statistics.cellTombstoneCount = try reader.readLength(limit: Int.max)
        statistics.rowDeletionCount = try reader.readLength(limit: Int.max)
        statistics.rangeTombstoneCount = try reader.readLength(limit: Int.max)
        statistics.partitionDeletionCount = try reader.readLength(limit: Int.max)
        statistics.expiringCellCount = try reader.readLength(limit: Int.max)
        statistics.minLocalDeletionSeconds = try reader.readSignedVarint()
        statistics.dataSizeBytes = try reader.readLength(limit: Int.max)
        statistics.uncompressedSizeBytes = try reader.readLength(limit: Int.max)
        statistics.blockCount = try reader.readLength(limit: Int.max)
        guard reader.isAtEnd else { throw .malformed(offset: reader.offset, reason: "bytes after the statistics") }
        return statistics
    }
}

extension SSTableStatistics {
    /// Whether the file holds partition deletions or range tombstones.
    var hasPartitionTombstones: Bool { partitionDeletionCount > 0 || rangeTombstoneCount > 0 }
}
