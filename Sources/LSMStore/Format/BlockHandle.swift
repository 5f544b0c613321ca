import KVCore

/// Where a block lies in an SSTable: `offset` of its first stored byte and `sizeBytes` of
/// its stored (possibly compressed) bytes, not counting the trailer that follows.
struct BlockHandle: Sendable, Hashable {
    var offset: Int
    var sizeBytes: Int

    /// Where the block's trailer ends (the next block starts).
    var endOffset: Int { offset + sizeBytes + BlockTrailer.encodedSizeBytes }

    /// Appends the varint form used in index entries: offset, size.
    func encode(into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(offset))
        writer.writeVarint(UInt64(sizeBytes))
    }

    /// Appends the fixed-width form used in the footer: offset and size as UInt64 LE.
    func encodeFixed(into writer: inout ByteWriter) {
        writer.writeUInt64(UInt64(offset))
        writer.writeUInt64(UInt64(sizeBytes))
    }

    /// Reads the varint form, requiring the block and its trailer to end by `limitOffset`.
    static func decode(from reader: inout ByteReader, limitOffset: Int) throws(DecodeError) -> BlockHandle {
        let start = reader.offset
        let handle = BlockHandle(offset: try reader.readLength(limit: limitOffset),
                                 sizeBytes: try reader.readLength(limit: limitOffset))
        try handle.check(endingBy: limitOffset, at: start)
        return handle
    }

    /// Reads the fixed form, requiring the block and its trailer to end by `limitOffset`.
    static func decodeFixed(from reader: inout ByteReader, limitOffset: Int) throws(DecodeError) -> BlockHandle {
        let start = reader.offset
        let offset = try reader.readUInt64(), size = try reader.readUInt64()
        guard offset <= UInt64(limitOffset), size <= UInt64(limitOffset) else {
            throw .malformed(offset: start, reason: "block handle (\(offset), \(size)) beyond \(limitOffset)")
        }
        let handle = BlockHandle(offset: Int(offset), sizeBytes: Int(size))
        try handle.check(endingBy: limitOffset, at: start)
        return handle
    }

    private func check(endingBy limitOffset: Int, at position: Int) throws(DecodeError) {
        guard endOffset <= limitOffset else {
            throw .malformed(offset: position,
                             reason: "block at \(offset) of \(sizeBytes) bytes ends past \(limitOffset)")
        }
    }
}
