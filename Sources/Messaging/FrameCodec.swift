import KVCore
import NIOCore

/// Turns frames into bytes and back, in the layout FORMAT.md draws (protocol version 1,
/// big-endian, two CRC32C checksums). A value type with no state beyond its size limit;
/// safe to use from any thread.
///
/// Decoding never trusts a length before it is checked: the header is verified (magic,
/// version, checksum, fields) and the announced size compared with `maxFrameSizeBytes`
/// before any payload byte is waited for.
public struct FrameCodec: Sendable {
    /// `KVMS` in ASCII: the first four bytes of every frame.
    public static let magic: UInt32 = 0x4B56_4D53
    /// The protocol version this build writes and the only one it reads.
    public static let version: UInt8 = 1
    /// Bytes of the fixed header, header checksum included.
    public static let headerSizeBytes = 28
    /// Bytes of the trailing body checksum.
    public static let trailerSizeBytes = 4
    /// Bytes every frame carries besides sender host and payload.
    public static let overheadBytes = headerSizeBytes + trailerSizeBytes
    /// Bytes covered by the header checksum: the header before the checksum field.
    static let headerChecksumCoverageBytes = 24

    /// The largest frame, everything included, that `decode` accepts.
    public let maxFrameSizeBytes: Int

    /// A codec that rejects frames above `maxFrameSizeBytes` (at least `overheadBytes` + 1).
    public init(maxFrameSizeBytes: Int) {
        precondition(maxFrameSizeBytes > Self.overheadBytes, "a frame limit must leave room for a header")
        self.maxFrameSizeBytes = maxFrameSizeBytes
    }

    /// The size in bytes `encode` will write for `frame`.
    public static func encodedSizeBytes(of frame: Frame) -> Int {
        overheadBytes + frame.sender.host.utf8.count + frame.payload.count
    }

    /// Appends `frame` to `buffer`. Requires a sender host of 1...255 UTF-8 bytes and a
    /// payload under 4 GiB; does not apply `maxFrameSizeBytes` (senders check that first).
    public static func encode(_ frame: Frame, into buffer: inout ByteBuffer) {
        let host = Array(frame.sender.host.utf8)
        precondition((1...NodeAddress.maxHostLengthBytes).contains(host.count), "sender host must be 1...255 bytes")
        precondition(frame.payload.count <= Int(UInt32.max), "payload must be under 4 GiB")
        buffer.reserveCapacity(minimumWritableBytes: overheadBytes + host.count + frame.payload.count)
        let start = buffer.writerIndex
        buffer.writeInteger(magic)
        buffer.writeInteger(version)
        buffer.writeInteger(frame.kind.rawValue)
        buffer.writeInteger(frame.verb.rawValue)
        buffer.writeInteger(frame.requestID)
        buffer.writeInteger(UInt16(frame.sender.port))
        buffer.writeInteger(UInt8(host.count))
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(frame.payload.count))
        buffer.writeInteger(checksum(of: buffer, at: start, length: headerChecksumCoverageBytes))
        buffer.writeBytes(host)
        buffer.writeBytes(frame.payload)
        let bodyStart = start + headerSizeBytes
        buffer.writeInteger(checksum(of: buffer, at: bodyStart, length: buffer.writerIndex - bodyStart))
    }

    /// `frame` as a new buffer from `allocator`.
    public static func encode(_ frame: Frame, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: encodedSizeBytes(of: frame))
        encode(frame, into: &buffer)
        return buffer
    }

    /// The next frame at the reader index of `buffer`, consuming its bytes; nil (consuming
    /// nothing) when more bytes are needed. Throws as soon as the bytes present prove the
    /// frame bad; the buffer is then left as it was and the stream is unusable.
    public func decode(from buffer: inout ByteBuffer) throws(FrameError) -> Frame? {
        try Self.checkPrefix(buffer)
        guard buffer.readableBytes >= Self.headerSizeBytes else { return nil }
        let header = try decodeHeader(buffer)
        guard buffer.readableBytes >= header.frameSizeBytes else { return nil }
        let frame = try Self.decodeBody(buffer, header: header)
        buffer.moveReaderIndex(forwardBy: header.frameSizeBytes)
        return frame
    }

    /// Rejects a stream as soon as its first bytes cannot start a version-1 frame, so that
    /// garbage is refused after one byte rather than after a header's worth.
    private static func checkPrefix(_ buffer: ByteBuffer) throws(FrameError) {
        let available = min(buffer.readableBytes, 4)
        for index in 0..<available {
            let expected = UInt8(truncatingIfNeeded: magic >> (8 * (3 - index)))
            guard buffer.getInteger(at: buffer.readerIndex + index, as: UInt8.self) == expected else {
                throw .badMagic
            }
        }
        if buffer.readableBytes > 4, let version = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self),
            version != Self.version
        {
            throw .unsupportedVersion(version)
        }
    }

    /// The fixed header at the reader index; requires `headerSizeBytes` readable bytes that
    /// passed `checkPrefix`.
    private func decodeHeader(_ buffer: ByteBuffer) throws(FrameError) -> FrameHeader {
        let start = buffer.readerIndex
        let stored = buffer.getInteger(at: start + 24, as: UInt32.self)!
        let computed = Self.checksum(of: buffer, at: start, length: Self.headerChecksumCoverageBytes)
        guard stored == computed else { throw .headerChecksumMismatch(stored: stored, computed: computed) }
        let kindByte = buffer.getInteger(at: start + 5, as: UInt8.self)!
        guard let kind = FrameKind(rawValue: kindByte) else { throw .unknownKind(kindByte) }
        guard buffer.getInteger(at: start + 19, as: UInt8.self)! == 0 else { throw .malformed("reserved byte is not 0") }
        let header = FrameHeader(
            kind: kind,
            verb: Verb(rawValue: buffer.getInteger(at: start + 6)!),
            requestID: buffer.getInteger(at: start + 8)!,
            senderPort: Int(buffer.getInteger(at: start + 16, as: UInt16.self)!),
            hostLengthBytes: Int(buffer.getInteger(at: start + 18, as: UInt8.self)!),
            payloadLengthBytes: Int(buffer.getInteger(at: start + 20, as: UInt32.self)!)
        )
        guard header.hostLengthBytes > 0 else { throw .malformed("empty sender host") }
        guard header.frameSizeBytes <= maxFrameSizeBytes else {
            throw .oversized(sizeBytes: header.frameSizeBytes, maxBytes: maxFrameSizeBytes)
        }
        return header
    }

    /// The whole frame at the reader index; requires `header.frameSizeBytes` readable bytes.
    private static func decodeBody(_ buffer: ByteBuffer, header: FrameHeader) throws(FrameError) -> Frame {
        let bodyStart = buffer.readerIndex + headerSizeBytes
        let bodyLength = header.hostLengthBytes + header.payloadLengthBytes
        let stored = buffer.getInteger(at: bodyStart + bodyLength, as: UInt32.self)!
        let computed = checksum(of: buffer, at: bodyStart, length: bodyLength)
        guard stored == computed else { throw .bodyChecksumMismatch(stored: stored, computed: computed) }
        let hostBytes = buffer.getBytes(at: bodyStart, length: header.hostLengthBytes)!
        guard let host = String(validating: hostBytes, as: UTF8.self) else { throw .malformed("sender host is not UTF-8") }
        let payload = buffer.getBytes(at: bodyStart + header.hostLengthBytes, length: header.payloadLengthBytes)!
        return Frame(
            kind: header.kind, verb: header.verb, requestID: header.requestID,
            sender: NodeAddress(host: host, port: header.senderPort), payload: payload
        )
    }

    /// CRC32C of `length` bytes of `buffer` starting at absolute index `index`.
    private static func checksum(of buffer: ByteBuffer, at index: Int, length: Int) -> UInt32 {
        buffer.withVeryUnsafeBytes { storage in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: storage[index..<(index + length)]))
        }
    }
}

/// The fixed header's fields once checked; internal to decoding.
struct FrameHeader {
    /// Byte 5.
    var kind: FrameKind
    /// Bytes 6..<8.
    var verb: Verb
    /// Bytes 8..<16.
    var requestID: UInt64
    /// Bytes 16..<18.
    var senderPort: Int
    /// Byte 18: H, at least 1.
    var hostLengthBytes: Int
    /// Bytes 20..<24: P.
    var payloadLengthBytes: Int

    /// Header, host, payload and trailer.
    var frameSizeBytes: Int { FrameCodec.overheadBytes + hostLengthBytes + payloadLengthBytes }
}
