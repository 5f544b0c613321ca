import CLZ4
import NIOCore

/// Frame-body compression with LZ4, as the v4 protocol defines it:
///
/// ```
/// [int] uncompressed length (big-endian) | raw LZ4 block
/// ```
/// Decompression refuses a claimed length over `ProtocolLimits.maxUncompressedBodyBytes`
/// before allocating, and demands that the block decode to exactly the claimed length.
/// Stateless; safe from any thread.
public enum LZ4BodyCodec {
    /// Compresses `body` (its readable bytes) into a new buffer in the protocol layout.
    public static func compress(_ body: ByteBuffer, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        let sourceCount = body.readableBytes
        let bound = Int(LZ4_compressBound(Int32(sourceCount)))
        var output = allocator.buffer(capacity: 4 + bound)
        output.writeInteger(Int32(sourceCount))
        let written = body.withUnsafeReadableBytes { source in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { destination in
                let count = LZ4_compress_default(
                    source.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    destination.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(sourceCount), Int32(bound))
                precondition(count > 0 || sourceCount == 0, "LZ4 compression cannot fail within its bound")
                return Int(count)
            }
        }
        _ = written
        return output
    }

    /// Decompresses a protocol LZ4 body.
    /// - Throws: `.truncated` without the length prefix, `.uncompressedBodyTooLarge` for a
    ///   claim over `maxUncompressedBytes` (or negative), `.decompressionFailed` for a corrupt
    ///   block or one that does not decode to exactly the claimed length.
    public static func decompress(_ body: ByteBuffer, maxUncompressedBytes: Int,
                                  allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(ProtocolError) -> ByteBuffer {
        var reader = ProtocolReader(body)
        let claimed = Int(try reader.readInt())
        guard claimed >= 0, claimed <= maxUncompressedBytes else {
            throw .uncompressedBodyTooLarge(claimedBytes: claimed, limitBytes: maxUncompressedBytes)
        }
        let block = reader.buffer
        var output = allocator.buffer(capacity: claimed)
        if claimed == 0 { return block.readableBytes <= 1 ? output : try fail() }
        if block.readableBytes == 0 { throw .decompressionFailed }
        let produced = block.withUnsafeReadableBytes { source in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: claimed) { destination in
                let count = LZ4_decompress_safe(
                    source.baseAddress!.assumingMemoryBound(to: CChar.self),
                    destination.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(source.count), Int32(claimed))
                return max(Int(count), 0)
            }
        }
        guard produced == claimed else { throw .decompressionFailed }
        return output
    }

    private static func fail() throws(ProtocolError) -> ByteBuffer { throw .decompressionFailed }
}
