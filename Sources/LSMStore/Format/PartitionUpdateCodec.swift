import KVCore

/// Encodes a table's partition update as a commit-log payload. Layout in FORMAT.md,
/// "Commit-log payload".
enum PartitionUpdateCodec {
    static let version: UInt8 = 1
    static let hasPartitionDeletion: UInt8 = 0x01

    static func encode(_ update: PartitionUpdate, table: TableID, into writer: inout ByteWriter) {
        writer.writeUInt8(version)
        writer.writeUInt64(table.high)
        writer.writeUInt64(table.low)
        writer.writeLengthPrefixed(update.partitionKey)
        writer.writeUInt8(update.partitionDeletion == nil ? 0 : hasPartitionDeletion)
        if let deletion = update.partitionDeletion { encode(deletion, into: &writer) }
        writer.writeVarint(UInt64(update.rangeTombstones.count))
        for range in update.rangeTombstones {
            encode(range.start, into: &writer)
            encode(range.end, into: &writer)
            encode(range.deletion, into: &writer)
        }
        writer.writeVarint(UInt64(update.rows.count))
        // By index: `for row in` copied each row.
        for index in update.rows.indices {
            writer.writeLengthPrefixed(update.rows[index].clustering)
            let rowStart = writer.count
            RowCodec.encode(update.rows[index], into: &writer)
            writer.insertLengthPrefix(at: rowStart)
        }
    }

    static func encode(_ deletion: DeletionTime, into writer: inout ByteWriter) {
        writer.writeSignedVarint(deletion.timestamp)
        writer.writeSignedVarint(deletion.localSeconds)
    }

    static func encode(_ bound: ClusteringBound, into writer: inout ByteWriter) {
        writer.writeUInt8(bound.isInclusive ? 1 : 0)
        writer.writeLengthPrefixed(bound.prefix)
    }

    /// Decodes a payload into its table and update.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> (TableID, PartitionUpdate) {
        var reader = ByteReader(bytes)
        let version = try reader.readUInt8()
        guard version == Self.version else { throw .malformed(offset: 0, reason: "unknown payload version \(version)") }
        let table = TableID(high: try reader.readUInt64(), low: try reader.readUInt64())
        var update = PartitionUpdate(partitionKey: try reader.readLengthPrefixed())
        let flags = try reader.readUInt8()
        if flags & hasPartitionDeletion != 0 { update.partitionDeletion = try decodeDeletion(&reader) }
        let rangeCount = try reader.readLength(limit: reader.remaining)
        for _ in 0..<rangeCount {
            let start = try decodeBound(&reader), end = try decodeBound(&reader)
            update.rangeTombstones.append(RangeTombstone(start: start, end: end, deletion: try decodeDeletion(&reader)))
        }
        let rowCount = try reader.readLength(limit: reader.remaining)
        for _ in 0..<rowCount {
            let clustering = try reader.readLengthPrefixed()
            let rowBytes = try reader.readSlice(try reader.readLength(limit: reader.remaining))
            update.rows.append(try RowCodec.decode(rowBytes, clustering: clustering))
        }
        guard reader.isAtEnd else { throw .malformed(offset: reader.offset, reason: "trailing bytes") }
        return (table, update)
    }

    static func decodeDeletion(_ reader: inout ByteReader) throws(DecodeError) -> DeletionTime {
        DeletionTime(timestamp: try reader.readSignedVarint(), localSeconds: try reader.readSignedVarint())
    }

    static func decodeBound(_ reader: inout ByteReader) throws(DecodeError) -> ClusteringBound {
        let inclusive = try reader.readUInt8()
        guard inclusive <= 1 else { throw .malformed(offset: reader.offset - 1, reason: "bad bound flag") }
        return ClusteringBound(prefix: try reader.readLengthPrefixed(), isInclusive: inclusive == 1)
    }
}
