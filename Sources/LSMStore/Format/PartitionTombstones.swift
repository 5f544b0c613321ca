import KVCore

/// The partition-level deletions of one partition in an SSTable or memtable: a partition
/// deletion and/or clustering range tombstones. Rows are stored apart, in data blocks.
public struct PartitionTombstones: Sendable, Hashable {
    /// The partition, as `RowKey.partitionPrefix(partitionKey)`.
    public var partitionPrefix: [UInt8]
    /// Deletes every row of the partition written at or before it.
    public var deletion: DeletionTime?
    /// Clustering-range deletions, in the order they were given.
    public var ranges: [RangeTombstone]

    /// Tombstones of the partition with this prefix.
    public init(partitionPrefix: [UInt8], deletion: DeletionTime? = nil, ranges: [RangeTombstone] = []) {
        self.partitionPrefix = partitionPrefix
        self.deletion = deletion
        self.ranges = ranges
    }

    /// Whether it deletes nothing.
    public var isEmpty: Bool { deletion == nil && ranges.isEmpty }
}

// MARK: Encoding (the tombstones block)

extension PartitionTombstones {
    private static let hasDeletionFlag: UInt8 = 0x01
    private static let inclusiveFlag: UInt8 = 0x01

    /// The tombstones block: a partition count, then per partition (in increasing prefix
    /// order) the prefix (length-prefixed), flags (bit 0: has a partition deletion), the
    /// deletion's timestamp and local seconds (zigzag) if present, a range count, and per
    /// range: start flags (bit 0: inclusive), start prefix, end flags, end prefix, timestamp,
    /// local seconds.
    static func encodeBlock(_ list: [PartitionTombstones]) -> [UInt8] {
        var writer = ByteWriter(capacity: 16 + list.count * 32)
        writer.writeVarint(UInt64(list.count))
        for tombstones in list { tombstones.encode(into: &writer) }
        return writer.bytes
    }

    private func encode(into writer: inout ByteWriter) {
        writer.writeLengthPrefixed(partitionPrefix)
        writer.writeUInt8(deletion == nil ? 0 : Self.hasDeletionFlag)
        if let deletion { Self.encode(deletion, into: &writer) }
        writer.writeVarint(UInt64(ranges.count))
        for range in ranges {
            Self.encode(range.start, into: &writer)
            Self.encode(range.end, into: &writer)
            Self.encode(range.deletion, into: &writer)
        }
    }

    private static func encode(_ bound: ClusteringBound, into writer: inout ByteWriter) {
        writer.writeUInt8(bound.isInclusive ? inclusiveFlag : 0)
        writer.writeLengthPrefixed(bound.prefix)
    }

    private static func encode(_ deletion: DeletionTime, into writer: inout ByteWriter) {
        writer.writeSignedVarint(deletion.timestamp)
        writer.writeSignedVarint(deletion.localSeconds)
    }

    /// Reads a tombstones block; prefixes must strictly increase and every byte be used.
    static func decodeBlock(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> [PartitionTombstones] {
        var reader = ByteReader(bytes)
        let count = try reader.readLength(limit: reader.remaining)
        var list: [PartitionTombstones] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            let start = reader.offset
            let tombstones = try decode(from: &reader)
            if let previous = list.last, compareBytes(previous.partitionPrefix, tombstones.partitionPrefix) >= 0 {
                throw .malformed(offset: start, reason: "tombstone partitions out of order")
            }
            list.append(tombstones)
        }
        guard reader.isAtEnd else { throw .malformed(offset: reader.offset, reason: "bytes after the tombstones") }
        return list
    }

    private static func decode(from reader: inout ByteReader) throws(DecodeError) -> PartitionTombstones {
        var tombstones = PartitionTombstones(partitionPrefix: try reader.readLengthPrefixed())
        let flags = try reader.readUInt8()
        guard flags & ~hasDeletionFlag == 0 else {
            throw .malformed(offset: reader.offset - 1, reason: "unknown tombstone flags \(flags)")
        }
        if flags & hasDeletionFlag != 0 { tombstones.deletion = try decodeDeletion(from: &reader) }
        let rangeCount = try reader.readLength(limit: reader.remaining)
        tombstones.ranges.reserveCapacity(rangeCount)
        for _ in 0..<rangeCount {
            tombstones.ranges.append(RangeTombstone(start: try decodeBound(from: &reader), end: try decodeBound(from: &reader),
                                                    deletion: try decodeDeletion(from: &reader)))
        }
        return tombstones
    }

    private static func decodeBound(from reader: inout ByteReader) throws(DecodeError) -> ClusteringBound {
        let flags = try reader.readUInt8()
        guard flags & ~inclusiveFlag == 0 else {
            throw .malformed(offset: reader.offset - 1, reason: "unknown clustering bound flags \(flags)")
        }
        return ClusteringBound(prefix: try reader.readLengthPrefixed(), isInclusive: flags & inclusiveFlag != 0)
    }

    private static func decodeDeletion(from reader: inout ByteReader) throws(DecodeError) -> DeletionTime {
        DeletionTime(timestamp: try reader.readSignedVarint(), localSeconds: try reader.readSignedVarint())
    }
}
