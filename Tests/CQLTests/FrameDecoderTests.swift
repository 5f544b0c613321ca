import CQL
import NIOCore
import Testing

@Suite struct FrameDecoderTests {
    private func decodeError(_ bytes: [UInt8], limits: ProtocolLimits = .default) -> ProtocolError? {
        var decoder = FrameDecoder(limits: limits)
        var buffer = ByteBuffer(bytes: bytes)
        return protocolErrorThrown { try decoder.decodeFrame(from: &buffer) }
    }

    @Test func decodesByteByByte() throws {
        var wire = ByteBuffer()
        let encoder = FrameEncoder()
        encoder.encodeRequest(.options, streamID: 1, into: &wire)
        encoder.encodeRequest(.query("SELECT * FROM system.local", QueryParameters(consistency: .one)),
                              streamID: 2, into: &wire)
        var decoder = FrameDecoder()
        var accumulated = ByteBuffer()
        var frames: [ProtocolFrame] = []
        for byte in wire.readableBytesView {
            accumulated.writeInteger(byte)
            while let frame = try decoder.decodeFrame(from: &accumulated) { frames.append(frame) }
        }
        #expect(frames.map(\.header.streamID) == [1, 2])
        #expect(frames.map(\.header.opcode) == [.options, .query])
        #expect(accumulated.readableBytes == 0)
        let request = try RequestDecoder().decode(frames[1])
        #expect(request.message == .query("SELECT * FROM system.local", QueryParameters(consistency: .one)))
    }

    @Test func partialHeaderConsumesNothing() throws {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: [0x04, 0x00, 0x00])
        #expect(try decoder.decodeFrame(from: &buffer) == nil)
        #expect(buffer.readableBytes == 3)
    }

    @Test func oversizedFrameIsRefusedFromTheHeaderAlone() {
        let limits = ProtocolLimits(maxFrameBodyBytes: 1024)
        let header: [UInt8] = [0x04, 0x00, 0x00, 0x05, 0x07, 0x00, 0x00, 0x04, 0x01]
        #expect(decodeError(header, limits: limits) == .frameTooLarge(streamID: 5, bodyBytes: 1025, limitBytes: 1024))
        let huge: [UInt8] = [0x04, 0x00, 0x00, 0x05, 0x07, 0x7F, 0xFF, 0xFF, 0xFF]
        #expect(decodeError(huge)?.isFatalToConnection == true)
    }

    @Test func negativeLengthIsRefused() {
        let bytes: [UInt8] = [0x04, 0x00, 0x00, 0x09, 0x07, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(decodeError(bytes) == .negativeFrameLength(streamID: 9, length: -1))
    }

    @Test func errorsAreSticky() {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: [0x16, 0x03, 0x01])
        #expect(protocolErrorThrown { try decoder.decodeFrame(from: &buffer) } == .notCQLFrame(firstByte: 0x16))
        var fresh = ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x01, 0x05, 0, 0, 0, 0])
        #expect(protocolErrorThrown { try decoder.decodeFrame(from: &fresh) } == .notCQLFrame(firstByte: 0x16))
    }

    @Test func responseDirectionFromClientIsRefused() {
        let bytes: [UInt8] = [0x84, 0x00, 0x00, 0x02, 0x05, 0, 0, 0, 0]
        #expect(decodeError(bytes) == .wrongDirection(streamID: 2))
    }

    @Test(arguments: [UInt8(0x05), 0x06, 0x41, 0x42])
    func newerVersionsAreAnsweredInV4(version: UInt8) throws {
        let error = decodeError([version, 0x00, 0x00, 0x03, 0x05, 0, 0, 0, 0])
        guard case .unsupportedVersion(let request) = error else {
            Issue.record("expected unsupportedVersion, got \(String(describing: error))")
            return
        }
        #expect(request == UnsupportedVersionRequest(requestedVersion: version, streamID: 3))
        var reply = FrameEncoder.unsupportedVersionReply(for: request)
        var clientDecoder = FrameDecoder(direction: .responses)
        let frame = try #require(try clientDecoder.decodeFrame(from: &reply))
        #expect(frame.header.versionByte == 0x84)
        #expect(frame.header.streamID == 3)
        let response = try ResponseDecoder().decode(frame)
        guard case .error(let errorResponse) = response.message else {
            Issue.record("expected ERROR")
            return
        }
        #expect(errorResponse.code == 0x000A)
        #expect(errorResponse.message.lowercased().contains("unsupported protocol version"))
    }

    @Test func version1IsAnsweredWithAnEightByteV1Header() {
        let error = decodeError([0x01, 0x00, 0x07, 0x05, 0, 0, 0, 0])
        guard case .unsupportedVersion(let request) = error else {
            Issue.record("expected unsupportedVersion")
            return
        }
        let reply = protocolBytes(FrameEncoder.unsupportedVersionReply(for: request))
        #expect(Array(reply[0..<4]) == [0x81, 0x00, 0x07, 0x00])
        let length = Int(reply[4]) << 24 | Int(reply[5]) << 16 | Int(reply[6]) << 8 | Int(reply[7])
        #expect(length == reply.count - 8)
        #expect(Array(reply[8..<12]) == [0, 0, 0, 0x0A])
    }

    @Test func version3IsAnsweredInV3() {
        guard case .unsupportedVersion(let request) = decodeError([0x03, 0x00, 0x00, 0x01]) else {
            Issue.record("expected unsupportedVersion")
            return
        }
        #expect(request.replyVersion == 3)
        #expect(protocolBytes(FrameEncoder.unsupportedVersionReply(for: request))[0] == 0x83)
    }

    @Test func tlsClientHelloIsNotCQL() {
        #expect(decodeError([0x16, 0x03, 0x01, 0x02, 0x00]) == .notCQLFrame(firstByte: 0x16))
        #expect(decodeError([0x47, 0x45, 0x54, 0x20]) == .notCQLFrame(firstByte: 0x47))
    }

    @Test func unknownOpcodeAndResponseOpcodeAreRejectedByTheRequestDecoder() throws {
        for opcode: UInt8 in [0x04, 0x02, 0x08, 0x42] {
            var buffer = ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x01, opcode, 0, 0, 0, 0])
            var decoder = FrameDecoder()
            let frame = try #require(try decoder.decodeFrame(from: &buffer))
            #expect(protocolErrorThrown { try RequestDecoder().decode(frame) } == .unexpectedOpcode(opcode))
        }
    }
}

@Suite struct FrameErrorReplyTests {
    private func decodeReply(_ bytes: ByteBuffer) throws -> DecodedResponse {
        var buffer = bytes
        var decoder = FrameDecoder(direction: .responses)
        return try ResponseDecoder().decode(try #require(try decoder.decodeFrame(from: &buffer)))
    }

    @Test func tooLargeFrameIsAnsweredOnItsStream() throws {
        let error = ProtocolError.frameTooLarge(streamID: 12, bodyBytes: 100, limitBytes: 10)
        let reply = try decodeReply(try #require(FrameEncoder().protocolErrorReply(for: error)))
        #expect(reply.streamID == 12)
        #expect(reply.message == .error(ErrorResponse(.protocolError, message: error.clientMessage)))
    }

    @Test func bodyErrorIsAnsweredOnTheFrameStream() throws {
        let reply = try decodeReply(try #require(FrameEncoder().protocolErrorReply(for: .invalidUTF8, frameStreamID: 6)))
        #expect(reply.streamID == 6)
    }

    @Test func notCQLGetsNoReply() {
        #expect(FrameEncoder().protocolErrorReply(for: .notCQLFrame(firstByte: 0x16)) == nil)
    }

    @Test func unsupportedVersionReplyComesFromTheVersionHelper() throws {
        let request = UnsupportedVersionRequest(requestedVersion: 5, streamID: 2)
        let reply = try #require(FrameEncoder().protocolErrorReply(for: .unsupportedVersion(request)))
        #expect(reply == FrameEncoder.unsupportedVersionReply(for: request))
    }
}
