import NIOCore

/// A response frame's message and envelope, as a client sees it.
public struct DecodedResponse: Sendable, Equatable {
    /// The stream id (negative for events).
    public var streamID: Int16
    /// The message.
    public var message: ResponseMessage
    /// The tracing id (flag 0x02), if any.
    public var tracingID: ProtocolUUID?
    /// The warnings (flag 0x08).
    public var warnings: [String]
    /// The custom payload (flag 0x04), if any.
    public var customPayload: [String: [UInt8]?]?

    /// Creates a decoded response.
    public init(streamID: Int16, message: ResponseMessage, tracingID: ProtocolUUID? = nil,
                warnings: [String] = [], customPayload: [String: [UInt8]?]? = nil) {
        self.streamID = streamID
        self.message = message
        self.tracingID = tracingID
        self.warnings = warnings
        self.customPayload = customPayload
    }
}

/// Turns response frames into `DecodedResponse`s: the client side, for tests and tools.
public struct ResponseDecoder: Sendable {
    /// The limits applied to decompression and type nesting.
    public let limits: ProtocolLimits
    /// Whether lz4 was negotiated.
    public var compression: FrameCompression?

    /// Creates a decoder.
    public init(limits: ProtocolLimits = .default, compression: FrameCompression? = nil) {
        self.limits = limits
        self.compression = compression
    }

    /// Decodes one response frame.
    public func decode(_ frame: ProtocolFrame) throws(ProtocolError) -> DecodedResponse {
        let (opcode, body, tracingID, warnings, payload) = try readPreamble(of: frame)
        var reader = body
        let message = try ResponseMessage.readBody(opcode: opcode, from: &reader, limits: limits)
        return DecodedResponse(streamID: frame.header.streamID, message: message, tracingID: tracingID,
                               warnings: warnings, customPayload: payload)
    }

    /// The opcode of a response frame and a reader at its message, past the tracing id,
    /// warnings and custom payload: for callers that read only part of the message (`decode`
    /// checks all of it).
    public func messageReader(of frame: ProtocolFrame) throws(ProtocolError) -> (ProtocolOpcode, ProtocolReader) {
        let (opcode, reader, _, _, _) = try readPreamble(of: frame)
        return (opcode, reader)
    }

    /// The opcode, a reader at the message of the (decompressed) body, and the fields the
    /// header's flags announce before it.
    private func readPreamble(of frame: ProtocolFrame) throws(ProtocolError)
        -> (ProtocolOpcode, ProtocolReader, ProtocolUUID?, [String], [String: [UInt8]?]?) {
        guard let opcode = frame.header.opcode, !opcode.isRequest else {
            throw .unexpectedOpcode(frame.header.opcodeByte)
        }
        var body = frame.body
        if frame.header.flags.contains(.compression) {
            guard compression != nil else { throw .compressionNotNegotiated }
            body = try LZ4BodyCodec.decompress(body, maxUncompressedBytes: limits.maxUncompressedBodyBytes)
        }
        var reader = ProtocolReader(body)
        let flags = frame.header.flags
        let tracingID = flags.contains(.tracing) ? try reader.readUUID() : nil
        let warnings = flags.contains(.warning) ? try reader.readStringList() : []
        let payload = flags.contains(.customPayload) ? try reader.readBytesMap() : nil
        return (opcode, reader, tracingID, warnings, payload)
    }
}
