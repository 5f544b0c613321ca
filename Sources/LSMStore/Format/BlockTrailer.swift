import KVCore

/// The 9 bytes after every stored block:
///
///     compression type  u8
///     uncompressed size u32 LE   (equals the stored size when the type is none)
///     checksum          u32 LE   masked CRC32C of the stored bytes followed by the
///                                first 5 bytes of this trailer
///
/// The checksum covers the type and size, so a flipped bit there is caught before the
/// reader trusts them to decompress.
struct BlockTrailer: Sendable, Hashable {
    static let encodedSizeBytes = 9

    var compression: SSTableCompression
    var uncompressedSizeBytes: Int

    /// Writes the trailer for `stored` (the block's bytes as written) into the 9 bytes at
    /// `destination`.
    func write(for stored: UnsafeRawBufferPointer, to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: compression.rawValue, as: UInt8.self)
        destination.storeBytes(of: UInt32(uncompressedSizeBytes).littleEndian, toByteOffset: 1, as: UInt32.self)
        let covered = UnsafeRawBufferPointer(start: destination, count: 5)
        let crc = CRC32C.extend(CRC32C.checksum(stored), covered)
        destination.storeBytes(of: CRC32C.mask(crc).littleEndian, toByteOffset: 5, as: UInt32.self)
    }

    /// Checks the trailer stored in the 9 bytes after `stored` and decodes it.
    /// Throws `.malformed` (offsets relative to the block start) on a checksum mismatch, an
    /// unknown compression type or an impossible size.
    static func verify(stored: UnsafeRawBufferPointer, trailer: UnsafeRawBufferPointer) throws(DecodeError) -> BlockTrailer {
        precondition(trailer.count == encodedSizeBytes)
        let expected = CRC32C.unmask(UInt32(littleEndian: trailer.loadUnaligned(fromByteOffset: 5, as: UInt32.self)))
        let actual = CRC32C.extend(CRC32C.checksum(stored), UnsafeRawBufferPointer(rebasing: trailer[0..<5]))
        guard expected == actual else {
            throw .malformed(offset: 0, reason: "block checksum mismatch (stored \(expected), computed \(actual))")
        }
        let position = stored.count
        guard let compression = SSTableCompression(rawValue: trailer[0]) else {
            throw .malformed(offset: position, reason: "unknown compression type \(trailer[0])")
        }
        let size = Int(UInt32(littleEndian: trailer.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
        try checkSize(size, compression: compression, storedSizeBytes: stored.count, at: position + 1)
        return BlockTrailer(compression: compression, uncompressedSizeBytes: size)
    }

    private static func checkSize(_ size: Int, compression: SSTableCompression, storedSizeBytes: Int,
                                  at position: Int) throws(DecodeError) {
        switch compression {
        case .none:
            guard size == storedSizeBytes else {
                throw .malformed(offset: position, reason: "uncompressed block size \(size) != stored \(storedSizeBytes)")
            }
        case .lz4:
            guard size <= SSTableFormat.maxBlockSizeBytes,
                  size <= storedSizeBytes * SSTableFormat.maxCompressionRatio + 16 else {
                throw .malformed(offset: position, reason: "implausible uncompressed block size \(size)")
            }
        }
    }
}
