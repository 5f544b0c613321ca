import KVCore

/// Encodes a table's partition update as a commit-log payload. Layout in FORMAT.md,
/// "Commit-log payload".
enum PartitionUpdateCodec {
    static let version: UInt8 = 1
    static let hasPartitionDeletion: UInt8 = 0x01

    static func encode(_ update: PartitionUpdate, table: TableID, into writer: inout ByteWriter) {
        encodeHeader(table: table, partitionKey: update.partitionKey, partitionDeletion: update.partitionDeletion,
                     rangeTombstones: update.rangeTombstones, rowCount: update.rows.count, into: &writer)
        // By index: `for row in` copied each row.
        for index in update.rows.indices {
            writer.writeLengthPrefixed(update.rows[index].clustering)
            let rowStart = writer.count
            RowCodec.encode(update.rows[index], into: &writer)
            writer.insertLengthPrefix(at: rowStart)
        }
    }

    /// Everything before the rows, up to and including their count.
    @inline(__always)
    static func encodeHeader(table: TableID, partitionKey: [UInt8], partitionDeletion: DeletionTime?,
                             rangeTombstones: [RangeTombstone], rowCount: Int, into writer: inout ByteWriter) {
        writer.writeUInt8(version)
        writer.writeUInt64(table.high)
        writer.writeUInt64(table.low)
        writer.writeLengthPrefixed(partitionKey)
        writer.writeUInt8(partitionDeletion == nil ? 0 : hasPartitionDeletion)
        if let partitionDeletion { encode(partitionDeletion, into: &writer) }
        writer.writeVarint(UInt64(rangeTombstones.count))
        for range in rangeTombstones {
            encode(range.start, into: &writer)
            encode(range.end, into: &writer)
            encode(range.deletion, into: &writer)
        }
        writer.writeVarint(UInt64(rowCount))
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
        let header = try readHeader(&reader)
        var update = PartitionUpdate(partitionKey: Array(header.partitionKey), partitionDeletion: header.partitionDeletion,
                                     rangeTombstones: header.rangeTombstones)
        var rows = try EncodedRows(&reader)
        while let (clustering, rowBytes) = try rows.next() {
            update.rows.append(try RowCodec.decode(rowBytes, clustering: Array(clustering)))
        }
        guard rows.reader.isAtEnd else { throw .malformed(offset: rows.reader.offset, reason: "trailing bytes") }
        return (header.table, update)
    }

    /// The rows of a payload, each as the bytes `RowCodec` encoded: the memtable copies
    /// these rather than encode each row a second time.
    static func encodedRows(in bytes: UnsafeRawBufferPointer) throws(DecodeError) -> EncodedRows {
        var reader = ByteReader(bytes)
        _ = try readHeader(&reader)
        return try EncodedRows(&reader)
    }

    /// What precedes the rows. The partition key points into the payload.
    private static func readHeader(_ reader: inout ByteReader) throws(DecodeError)
        -> (table: TableID, partitionKey: UnsafeRawBufferPointer, partitionDeletion: DeletionTime?, rangeTombstones: [RangeTombstone]) {
        let version = try reader.readUInt8()
        guard version == Self.version else { throw .malformed(offset: 0, reason: "unknown payload version \(version)") }
        let table = TableID(high: try reader.readUInt64(), low: try reader.readUInt64())
        let partitionKey = try reader.readSlice(try reader.readLength(limit: reader.remaining))
        let flags = try reader.readUInt8()
        let deletion = flags & hasPartitionDeletion != 0 ? try decodeDeletion(&reader) : nil
        var ranges: [RangeTombstone] = []
        let rangeCount = try reader.readLength(limit: reader.remaining)
        for _ in 0..<rangeCount {
            let start = try decodeBound(&reader), end = try decodeBound(&reader)
            ranges.append(RangeTombstone(start: start, end: end, deletion: try decodeDeletion(&reader)))
        }
        return (table, partitionKey, deletion, ranges)
    }

    /// Reads a payload's rows in order, in place.
    struct EncodedRows {
        fileprivate var reader: ByteReader
        private var remainingRows: Int

        fileprivate init(_ reader: inout ByteReader) throws(DecodeError) {
            remainingRows = try reader.readLength(limit: reader.remaining)
            self.reader = reader
        }

        /// The next row's clustering key and encoded row, or nil after the last.
        mutating func next() throws(DecodeError) -> (clustering: UnsafeRawBufferPointer, row: UnsafeRawBufferPointer)? {
            guard remainingRows > 0 else { return nil }
            remainingRows -= 1
            let clustering = try reader.readSlice(try reader.readLength(limit: reader.remaining))
            return (clustering, try reader.readSlice(try reader.readLength(limit: reader.remaining)))
        }
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
