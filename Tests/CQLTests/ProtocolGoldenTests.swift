import CQL
import NIOCore
import Testing

/// Byte-exact frames, built from the v4 spec and the Python driver's behaviour (cql-compat.md).
@Suite struct ProtocolGoldenTests {
    /// STARTUP as cassandra-driver 3.30.1 sends it (stream 1; option order as the driver's dict).
    static let pythonDriverStartup = """
        04 00 00 01 01 00 00 00 5b 00 03 00 0b 43 51 4c 5f 56 45 52 53 49 4f 4e 00 05 33 2e 34 2e 35
        00 0b 44 52 49 56 45 52 5f 4e 41 4d 45 00 1e 41 70 61 63 68 65 20 43 61 73 73 61 6e 64 72 61
        20 50 79 74 68 6f 6e 20 44 72 69 76 65 72 00 0e 44 52 49 56 45 52 5f 56 45 52 53 49 4f 4e 00
        06 33 2e 33 30 2e 31
        """

    @Test func decodesPythonDriverStartup() throws {
        var wire = ByteBuffer(bytes: protocolHexBytes(Self.pythonDriverStartup))
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &wire))
        let request = try RequestDecoder().decode(frame)
        #expect(request.streamID == 1)
        #expect(request.message == .startup(options: [
            "CQL_VERSION": "3.4.5", "DRIVER_NAME": "Apache Cassandra Python Driver", "DRIVER_VERSION": "3.30.1",
        ]))
    }

    @Test func decodesDriverOptionsProbe() throws {
        var wire = ByteBuffer(bytes: protocolHexBytes("04 00 00 00 05 00 00 00 00"))
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &wire))
        #expect(try RequestDecoder().decode(frame).message == .options)
    }

    @Test func decodesControlConnectionQuery() throws {
        let text = "SELECT * FROM system.local WHERE key='local'"
        var wire = ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x02, 0x07, 0x00, 0x00, 0x00, UInt8(4 + text.utf8.count + 3),
                                      0x00, 0x00, 0x00, UInt8(text.utf8.count)] + Array(text.utf8) + [0x00, 0x01, 0x00])
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &wire))
        #expect(try RequestDecoder().decode(frame).message == .query(text, QueryParameters(consistency: .one)))
    }

    @Test func encodesReady() {
        var wire = ByteBuffer()
        FrameEncoder().encodeResponse(.ready, streamID: 1, into: &wire)
        #expect(protocolBytes(wire) == protocolHexBytes("84 00 00 01 02 00 00 00 00"))
    }

    @Test func readyIsNeverCompressed() {
        var wire = ByteBuffer()
        FrameEncoder(compression: .lz4).encodeResponse(.ready, streamID: 1, into: &wire)
        #expect(protocolBytes(wire) == protocolHexBytes("84 00 00 01 02 00 00 00 00"))
    }

    @Test func encodesInvalidError() {
        var wire = ByteBuffer()
        FrameEncoder().encodeResponse(.error(ErrorResponse(.invalid, message: "unconfigured table peers_v2")),
                                      streamID: 4, into: &wire)
        let message = Array("unconfigured table peers_v2".utf8)
        #expect(protocolBytes(wire) == [0x84, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, UInt8(6 + message.count),
                                        0x00, 0x00, 0x22, 0x00, 0x00, UInt8(message.count)] + message)
    }

    /// The exact reply cql-compat.md gives for the driver's first (DSE v2, 0x42) attempt.
    @Test func encodesUnsupportedVersionReplyAsCassandraDoes() {
        let reply = FrameEncoder.unsupportedVersionReply(
            for: UnsupportedVersionRequest(requestedVersion: 0x42, streamID: 0))
        let expected = protocolHexBytes("84 00 00 00 00 00 00 00 51 00 00 00 0a 00 4b")
            + Array("Invalid or unsupported protocol version (66); supported versions are (4/v4)".utf8)
        #expect(protocolBytes(reply) == expected)
    }

    @Test func encodesSupported() {
        var wire = ByteBuffer()
        FrameEncoder().encodeResponse(.supported(["COMPRESSION": [], "CQL_VERSION": ["3.4.5"]]), streamID: 0,
                                      into: &wire)
        let body = protocolHexBytes("00 02 00 0b") + Array("COMPRESSION".utf8) + [0x00, 0x00, 0x00, 0x0b]
            + Array("CQL_VERSION".utf8) + [0x00, 0x01, 0x00, 0x05] + Array("3.4.5".utf8)
        #expect(protocolBytes(wire) == [0x84, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, UInt8(body.count)] + body)
    }

    @Test func encodesStatusChangeEventOnStreamMinusOne() {
        var wire = ByteBuffer()
        FrameEncoder().encodeResponse(.event(.statusChange(.up, ProtocolInet(addressBytes: [127, 0, 0, 2], port: 9042))),
                                      streamID: -1, into: &wire)
        let body = [0x00, 0x0D] + Array("STATUS_CHANGE".utf8) + [0x00, 0x02] + Array("UP".utf8)
            + [0x04, 127, 0, 0, 2, 0x00, 0x00, 0x23, 0x52]
        #expect(protocolBytes(wire) == [0x84, 0x00, 0xFF, 0xFF, 0x0C, 0x00, 0x00, 0x00, UInt8(body.count)] + body)
    }
}
