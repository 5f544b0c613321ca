import NIOCore

/// Splits a byte stream into `ProtocolFrame`s, incrementally.
///
/// Feed it the connection's cumulative buffer; each call consumes at most one frame and returns
/// nil when more bytes are needed (no bytes are consumed then). Limits are enforced from the
/// header alone, before the body is buffered, so a hostile length costs no memory.
///
/// After a thrown error the stream cannot be resynchronised: every later call rethrows the
/// same error. The caller answers (see `ProtocolError.isFatalToConnection`) and closes.
/// A value type, confined to the connection's event loop.
public struct FrameDecoder: Sendable {
    /// Which side's frames this decoder accepts.
    public enum Direction: Sendable {
        /// The server reads client requests (direction bit clear).
        case requests
        /// A client (or a test) reads server responses (direction bit set).
        case responses
    }

    /// The limits enforced on each header.
    public let limits: ProtocolLimits
    /// Which direction bit is expected.
    public let direction: Direction
    /// The first error thrown, rethrown on every later call.
    public private(set) var failure: ProtocolError?

    /// Creates a decoder; the defaults suit a server reading requests.
    public init(limits: ProtocolLimits = .default, direction: Direction = .requests) {
        self.limits = limits
        self.direction = direction
    }

    /// Removes and returns the next whole frame from `buffer`, or nil if it is not all there.
    /// - Throws: `ProtocolError` for a frame that can never be accepted; then the decoder is
    ///   failed for good.
    public mutating func decodeFrame(from buffer: inout ByteBuffer) throws(ProtocolError) -> ProtocolFrame? {
        if let failure { throw failure }
        do {
            return try decodeNext(from: &buffer)
        } catch {
            failure = error
            throw error
        }
    }

    private func decodeNext(from buffer: inout ByteBuffer) throws(ProtocolError) -> ProtocolFrame? {
        let start = buffer.readerIndex
        guard let firstByte = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        let version = firstByte & 0x7F
        if version != ProtocolVersion.current {
            return try rejectVersion(firstByte: firstByte, in: buffer)
        }
        guard let header = FrameHeader.peek(in: buffer, at: start) else { return nil }
        try validate(header)
        let frameBytes = ProtocolLimits.headerBytes + Int(header.bodyLengthBytes)
        guard buffer.readableBytes >= frameBytes else { return nil }
        buffer.moveReaderIndex(forwardBy: ProtocolLimits.headerBytes)
        let body = buffer.readSlice(length: Int(header.bodyLengthBytes))!
        return ProtocolFrame(header: header, body: body)
    }

    private func validate(_ header: FrameHeader) throws(ProtocolError) {
        if header.isResponse != (direction == .responses) {
            throw .wrongDirection(streamID: header.streamID)
        }
        if header.bodyLengthBytes < 0 {
            throw .negativeFrameLength(streamID: header.streamID, length: header.bodyLengthBytes)
        }
        if Int(header.bodyLengthBytes) > limits.maxFrameBodyBytes {
            throw .frameTooLarge(streamID: header.streamID, bodyBytes: Int(header.bodyLengthBytes),
                                 limitBytes: limits.maxFrameBodyBytes)
        }
    }

    /// Waits for the stream id of a frame in another version, then throws the answerable error.
    private func rejectVersion(firstByte: UInt8, in buffer: ByteBuffer) throws(ProtocolError) -> ProtocolFrame? {
        let version = firstByte & 0x7F
        guard ProtocolVersion.isAnswerable(version) else { throw .notCQLFrame(firstByte: firstByte) }
        let start = buffer.readerIndex
        let streamID: Int16
        if version < 3 {
            guard let narrow = buffer.getInteger(at: start + 2, as: Int8.self) else { return nil }
            streamID = Int16(narrow)
        } else {
            guard let wide = buffer.getInteger(at: start + 2, as: Int16.self) else { return nil }
            streamID = wide
        }
        throw .unsupportedVersion(UnsupportedVersionRequest(requestedVersion: version, streamID: streamID))
    }
}
