import NIOCore

/// Writes whole frames: header, optional tracing id / warnings / custom payload prefixes, and
/// the body, LZ4-compressed when compression was negotiated and the body is not empty.
///
/// A value type confined to the connection's event loop; set `compression` once STARTUP's
/// READY has been written (the READY itself is empty, so never compressed).
public struct FrameEncoder: Sendable {
    /// The negotiated compression, or nil.
    public var compression: FrameCompression?
    /// The version written in headers.
    public let version: UInt8

    /// Creates an encoder for v4 with no compression.
    public init(compression: FrameCompression? = nil, version: UInt8 = ProtocolVersion.current) {
        self.compression = compression
        self.version = version
    }

    /// Appends a response frame to `output`.
    /// - Parameters:
    ///   - tracingID: written first in the body with flag 0x02 when present.
    ///   - warnings: written as a `[string list]` with flag 0x08 when non-empty.
    ///   - customPayload: written after the warnings as a `[bytes map]` with flag 0x04 when
    ///     non-empty.
    public func encodeResponse(_ message: ResponseMessage, streamID: Int16, tracingID: ProtocolUUID? = nil,
                               warnings: [String] = [], customPayload: [String: [UInt8]] = [:],
                               into output: inout ByteBuffer) {
        var flags: FrameFlags = []
        if tracingID != nil { flags.insert(.tracing) }
        if !warnings.isEmpty { flags.insert(.warning) }
        if !customPayload.isEmpty { flags.insert(.customPayload) }
        let header = FrameHeader(version: version, isResponse: true, flags: flags, streamID: streamID,
                                 opcode: message.opcode)
        // No closure writes the body: one capturing the message copied it (counting its
        // references) for every response.
        guard compression == .lz4 else {
            let frameStart = Self.beginUncompressed(header, into: &output)
            Self.writeResponseBody(message, tracingID: tracingID, warnings: warnings, customPayload: customPayload,
                                   into: &output)
            return Self.endUncompressed(frameStart: frameStart, in: &output)
        }
        var body = ByteBuffer()
        Self.writeResponseBody(message, tracingID: tracingID, warnings: warnings, customPayload: customPayload,
                               into: &body)
        Self.appendCompressed(header, body: body, into: &output)
    }

    private static func writeResponseBody(_ message: ResponseMessage, tracingID: ProtocolUUID?, warnings: [String],
                                          customPayload: [String: [UInt8]], into body: inout ByteBuffer) {
        if let tracingID { body.writeProtocolUUID(tracingID) }
        if !warnings.isEmpty { body.writeProtocolStringList(warnings) }
        if !customPayload.isEmpty { body.writeProtocolBytesMap(customPayload.mapValues { Optional($0) }) }
        message.writeBody(into: &body)
    }

    /// Appends a request frame to `output` (the client side; used by tests and tools).
    public func encodeRequest(_ message: RequestMessage, streamID: Int16, tracing: Bool = false,
                              customPayload: [String: [UInt8]?]? = nil, into output: inout ByteBuffer) {
        var flags: FrameFlags = tracing ? [.tracing] : []
        if customPayload != nil { flags.insert(.customPayload) }
        let header = FrameHeader(version: version, isResponse: false, flags: flags, streamID: streamID,
                                 opcode: message.opcode)
        guard compression == .lz4 else {
            let frameStart = Self.beginUncompressed(header, into: &output)
            if let customPayload { output.writeProtocolBytesMap(customPayload) }
            message.writeBody(into: &output)
            return Self.endUncompressed(frameStart: frameStart, in: &output)
        }
        var body = ByteBuffer()
        if let customPayload { body.writeProtocolBytesMap(customPayload) }
        message.writeBody(into: &body)
        Self.appendCompressed(header, body: body, into: &output)
    }

    /// Appends a request frame of `opcode` whose body is `body`, already encoded: header and
    /// body in one pass when uncompressed (a client's requests, sent at its highest rates).
    public func encodeRequest(opcode: ProtocolOpcode, streamID: Int16, body: ByteBuffer, into output: inout ByteBuffer) {
        let header = FrameHeader(version: version, isResponse: false, flags: [], streamID: streamID, opcode: opcode,
                                 bodyLengthBytes: Int32(body.readableBytes))
        if compression == .lz4 { return Self.appendCompressed(header, body: body, into: &output) }
        let frameBytes = ProtocolLimits.headerBytes + body.readableBytes
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: frameBytes) { target in
            header.store(into: target)
            body.withUnsafeReadableBytes { source in
                if let base = source.baseAddress, source.count > 0 {
                    (target.baseAddress! + ProtocolLimits.headerBytes).copyMemory(from: base, byteCount: source.count)
                }
            }
            return frameBytes
        }
    }

    /// Appends an EXECUTE frame whose body is prepared statement `id` then `values` bound by
    /// position (with `skipMetadata`, and no other parameter), written in place after the
    /// header when uncompressed: a load generator's request, encoded with no body buffer.
    public func encodeExecute(streamID: Int16, id: [UInt8], consistency: ProtocolConsistency, values: [ProtocolValue],
                              skipMetadata: Bool, into output: inout ByteBuffer) {
        let header = FrameHeader(version: version, isResponse: false, flags: [], streamID: streamID, opcode: .execute)
        func writeBody(into buffer: inout ByteBuffer) {
            buffer.writeProtocolShortBytes(id)
            QueryParameters.writePositional(consistency: consistency, values: values, skipMetadata: skipMetadata,
                                            into: &buffer)
        }
        guard compression == .lz4 else {
            let frameStart = Self.beginUncompressed(header, into: &output)
            writeBody(into: &output)
            return Self.endUncompressed(frameStart: frameStart, in: &output)
        }
        var body = ByteBuffer()
        writeBody(into: &body)
        Self.appendCompressed(header, body: body, into: &output)
    }

    /// Appends `header` (its length still to fill in) for a body written in place after it,
    /// and returns where the frame starts: no second buffer and no copy of the body.
    private static func beginUncompressed(_ header: FrameHeader, into output: inout ByteBuffer) -> Int {
        let frameStart = output.writerIndex
        header.write(into: &output)
        return frameStart
    }

    /// Fills in the body length of the frame at `frameStart`, whose body ends the buffer.
    private static func endUncompressed(frameStart: Int, in output: inout ByteBuffer) {
        let bodyBytes = output.writerIndex - frameStart - ProtocolLimits.headerBytes
        output.setInteger(Int32(bodyBytes), at: frameStart + ProtocolLimits.headerBytes - 4)
    }

    /// Appends `header` and `body`, LZ4-compressed unless empty.
    private static func appendCompressed(_ header: FrameHeader, body: ByteBuffer, into output: inout ByteBuffer) {
        var header = header
        var body = body
        if body.readableBytes > 0 {
            body = LZ4BodyCodec.compress(body)
            header.flags.insert(.compression)
        }
        header.bodyLengthBytes = Int32(body.readableBytes)
        header.write(into: &output)
        output.writeImmutableBuffer(body)
    }

    /// The ERROR 0x000A answering a frame in an unsupported version, written in a version that
    /// client can read (its own if older than v4, else v4; v1/v2 use the 8-byte header).
    public static func unsupportedVersionReply(for request: UnsupportedVersionRequest) -> ByteBuffer {
        var body = ByteBuffer()
        ErrorResponse(.protocolError, message: request.message).write(into: &body)
        var output = ByteBuffer()
        output.writeInteger(request.replyVersion | 0x80)
        output.writeInteger(UInt8(0))
        if request.usesLegacyHeader {
            output.writeInteger(Int8(truncatingIfNeeded: request.streamID))
        } else {
            output.writeInteger(request.streamID)
        }
        output.writeInteger(ProtocolOpcode.error.rawValue)
        output.writeInteger(Int32(body.readableBytes))
        output.writeImmutableBuffer(body)
        return output
    }
}
