import NIOCore

/// A request frame's message plus the envelope fields the server must honour.
public struct DecodedRequest: Sendable, Equatable {
    /// The stream id to answer on.
    public var streamID: Int16
    /// The message.
    public var message: RequestMessage
    /// Whether the client asked for tracing (flag 0x02).
    public var tracingRequested = false
    /// The custom payload (flag 0x04), if any.
    public var customPayload: [String: [UInt8]?]?

    // No written initializer: with one, Swift 6.3 builds the value twice when `decode`
    // returns it (an outlined copy and destroy, 4 retains and releases per request, perf);
    // the synthesized memberwise one is built in place.
}

/// Turns request frames into `DecodedRequest`s: decompression, custom payload, body.
///
/// Holds the connection's negotiated compression (set it after answering a STARTUP that
/// asked for lz4). A value type confined to the connection's event loop.
public struct RequestDecoder: Sendable {
    /// The limits applied to decompression and type nesting.
    public let limits: ProtocolLimits
    /// The compression negotiated in STARTUP, or nil.
    public var compression: FrameCompression?

    /// Creates a decoder with no compression negotiated.
    public init(limits: ProtocolLimits = .default, compression: FrameCompression? = nil) {
        self.limits = limits
        self.compression = compression
    }

    /// Decodes one request frame.
    /// - Throws: `ProtocolError`: `.compressionNotNegotiated` for a compressed frame without
    ///   negotiated compression, `.unexpectedOpcode` for a response or unknown opcode, and any
    ///   body error. None of these desynchronise the stream: answer ERROR 0x000A on the frame's
    ///   stream and carry on (or close, at the server's choice).
    public func decode(_ frame: ProtocolFrame) throws(ProtocolError) -> DecodedRequest {
        guard let opcode = frame.header.opcode, opcode.isRequest else {
            throw .unexpectedOpcode(frame.header.opcodeByte)
        }
        var reader = ProtocolReader(try plainBody(of: frame))
        let customPayload = frame.header.flags.contains(.customPayload) ? try reader.readBytesMap() : nil
        let message = try RequestMessage.readBody(opcode: opcode, from: &reader)
        return DecodedRequest(streamID: frame.header.streamID, message: message,
                              tracingRequested: frame.header.flags.contains(.tracing), customPayload: customPayload)
    }

    private func plainBody(of frame: ProtocolFrame) throws(ProtocolError) -> ByteBuffer {
        guard frame.header.flags.contains(.compression) else { return frame.body }
        guard let compression else { throw .compressionNotNegotiated }
        switch compression {
        case .lz4:
            return try LZ4BodyCodec.decompress(frame.body, maxUncompressedBytes: limits.maxUncompressedBodyBytes)
        }
    }
}
