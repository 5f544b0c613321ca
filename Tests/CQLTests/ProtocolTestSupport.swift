import CQL
import NIOCore
import Testing

/// Bytes from a hex string; spaces are ignored.
func protocolHexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// The readable bytes of a buffer.
func protocolBytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

/// Encodes a request as a client would, then decodes it as the server does.
func protocolRequestRoundTrip(_ message: RequestMessage, streamID: Int16 = 7,
                              compression: FrameCompression? = nil) throws -> DecodedRequest {
    var wire = ByteBuffer()
    FrameEncoder(compression: compression).encodeRequest(message, streamID: streamID, into: &wire)
    var frameDecoder = FrameDecoder()
    let frame = try #require(try frameDecoder.decodeFrame(from: &wire))
    #expect(wire.readableBytes == 0)
    return try RequestDecoder(compression: compression).decode(frame)
}

/// Encodes a response as the server does, then decodes it as a client would.
func protocolResponseRoundTrip(_ message: ResponseMessage, streamID: Int16 = 3,
                               compression: FrameCompression? = nil,
                               tracingID: ProtocolUUID? = nil, warnings: [String] = []) throws -> DecodedResponse {
    let frame = try protocolResponseFrame(message, streamID: streamID, compression: compression,
                                          tracingID: tracingID, warnings: warnings)
    return try ResponseDecoder(compression: compression).decode(frame)
}

/// `message` encoded as a response frame and split off the wire again.
func protocolResponseFrame(_ message: ResponseMessage, streamID: Int16 = 3, compression: FrameCompression? = nil,
                           tracingID: ProtocolUUID? = nil, warnings: [String] = [],
                           customPayload: [String: [UInt8]] = [:]) throws -> ProtocolFrame {
    var wire = ByteBuffer()
    FrameEncoder(compression: compression).encodeResponse(message, streamID: streamID, tracingID: tracingID,
                                                          warnings: warnings, customPayload: customPayload, into: &wire)
    var frameDecoder = FrameDecoder(direction: .responses)
    let frame = try #require(try frameDecoder.decodeFrame(from: &wire))
    #expect(wire.readableBytes == 0)
    return frame
}

/// The error a throwing expression threw, as a `ProtocolError` (nil if it did not throw).
func protocolErrorThrown<T>(_ body: () throws -> T) -> ProtocolError? {
    do {
        _ = try body()
        return nil
    } catch let error as ProtocolError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
