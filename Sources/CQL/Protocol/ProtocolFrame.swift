import NIOCore

/// One whole frame: the header and its (possibly still compressed) body.
///
/// The body is a slice of the connection's buffer; it owns its bytes through NIO's
/// copy-on-write storage, so it may outlive the decode call.
public struct ProtocolFrame: Sendable, Equatable {
    /// The frame header, with `bodyLengthBytes` equal to `body.readableBytes`.
    public var header: FrameHeader
    /// The body bytes exactly as sent (compressed if `header.flags` has `.compression`).
    public var body: ByteBuffer

    /// Creates a frame.
    public init(header: FrameHeader, body: ByteBuffer) {
        self.header = header
        self.body = body
    }
}
