import KVCore

/// The fixed 80 bytes at the end of an SSTable, read first on open:
///
///     offset  size
///      0      16    tombstones block handle   (offset u64 LE, size u64 LE)
///     16      16    bloom filter block handle
///     32      16    statistics block handle
///     48      16    index block handle
///     64       4    format version u32 LE
///     68       4    masked CRC32C of bytes 0..<68, u32 LE
///     72       8    magic u64 LE (the ASCII bytes "KVSSTBL1")
///
/// Checked in that order of trust: magic, then version (so that a newer file is reported
/// as such, not as damage), then checksum, then handles (each must end before the footer).
struct SSTableFooter: Sendable, Hashable {
    static let encodedSizeBytes = 80
    private static let checksummedSizeBytes = 68

    var tombstones: BlockHandle
    var bloom: BlockHandle
    var statistics: BlockHandle
    var index: BlockHandle
    var version: UInt32 = SSTableFormat.currentVersion

    /// The 80 footer bytes.
    func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedSizeBytes)
        for handle in [tombstones, bloom, statistics, index] { handle.encodeFixed(into: &writer) }
        writer.writeUInt32(version)
        writer.writeUInt32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        writer.writeUInt64(SSTableFormat.magic)
        return writer.bytes
    }

    /// Decodes and checks the footer `bytes` (exactly 80), which start at `footerOffset` in
    /// the file; errors carry offsets relative to the footer.
    static func decode(_ bytes: UnsafeRawBufferPointer, footerOffset: Int) throws(DecodeError) -> SSTableFooter {
        guard bytes.count == encodedSizeBytes else { throw .truncated(offset: 0) }
        var reader = ByteReader(bytes, offset: 72)
        let magic = try reader.readUInt64()
        guard magic == SSTableFormat.magic else { throw .malformed(offset: 72, reason: "not an SSTable (bad magic)") }
        reader.offset = 64
        let version = try reader.readUInt32()
        guard SSTableFormat.supportedVersions.contains(version) else {
            throw .malformed(offset: 64, reason: "unsupported SSTable format version \(version)")
        }
        let stored = CRC32C.unmask(try reader.readUInt32())
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<checksummedSizeBytes]))
        guard stored == computed else { throw .malformed(offset: 0, reason: "footer checksum mismatch") }
        reader.offset = 0
        return SSTableFooter(tombstones: try BlockHandle.decodeFixed(from: &reader, limitOffset: footerOffset),
                             bloom: try BlockHandle.decodeFixed(from: &reader, limitOffset: footerOffset),
                             statistics: try BlockHandle.decodeFixed(from: &reader, limitOffset: footerOffset),
                             index: try BlockHandle.decodeFixed(from: &reader, limitOffset: footerOffset),
                             version: version)
    }

    /// Where the data blocks must end: the first metadata block.
    var dataEndOffset: Int {
        min(tombstones.offset, bloom.offset, statistics.offset, index.offset)
    }
}
