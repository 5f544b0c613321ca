import CQL
import KVCore
import NIOCore
import Testing

@Suite struct ProtocolCompressionTests {
    @Test func lz4RoundTripsRandomAndRepetitiveBodies() throws {
        let random = SeededRandomSource(seed: 42)
        let bodies: [[UInt8]] = [
            [1],
            Array(repeating: 0x41, count: 100_000),
            (0..<10_000).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) },
        ]
        for body in bodies {
            let compressed = LZ4BodyCodec.compress(ByteBuffer(bytes: body))
            let bytes = protocolBytes(compressed)
            #expect(Array(bytes[0..<4]) == [UInt8(body.count >> 24 & 0xFF), UInt8(body.count >> 16 & 0xFF),
                                             UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)])
            let restored = try LZ4BodyCodec.decompress(compressed, maxUncompressedBytes: 1 << 20)
            #expect(protocolBytes(restored) == body)
        }
    }

    @Test func bombClaimingGigabytesIsRefusedBeforeAllocating() {
        var bomb = ByteBuffer()
        bomb.writeInteger(Int32(0x7FFF_FFFF))
        bomb.writeBytes([0x1F, 0x00, 0x01, 0x00])
        let error = protocolErrorThrown { try LZ4BodyCodec.decompress(bomb, maxUncompressedBytes: 32 << 20) }
        #expect(error == .uncompressedBodyTooLarge(claimedBytes: 0x7FFF_FFFF, limitBytes: 32 << 20))
        var negative = ByteBuffer()
        negative.writeInteger(Int32(-1))
        #expect(protocolErrorThrown { try LZ4BodyCodec.decompress(negative, maxUncompressedBytes: 100) }
            == .uncompressedBodyTooLarge(claimedBytes: -1, limitBytes: 100))
    }

    @Test func corruptOrLyingBlocksAreRefused() {
        let compressed = protocolBytes(LZ4BodyCodec.compress(ByteBuffer(bytes: Array(repeating: 7, count: 1000))))
        var lying = compressed
        lying[2] = 0x08  // claims 2024 bytes, decodes to 1000
        #expect(protocolErrorThrown { try LZ4BodyCodec.decompress(ByteBuffer(bytes: lying), maxUncompressedBytes: 1 << 20) }
            == .decompressionFailed)
        let truncated = Array(compressed.prefix(compressed.count - 3))
        #expect(protocolErrorThrown { try LZ4BodyCodec.decompress(ByteBuffer(bytes: truncated), maxUncompressedBytes: 1 << 20) }
            == .decompressionFailed)
        #expect(protocolErrorThrown { try LZ4BodyCodec.decompress(ByteBuffer(bytes: [0, 0, 0, 5]), maxUncompressedBytes: 100) }
            == .decompressionFailed)
        #expect(protocolErrorThrown { try LZ4BodyCodec.decompress(ByteBuffer(bytes: [0, 0]), maxUncompressedBytes: 100) }
            == .truncated(neededBytes: 4, remainingBytes: 2))
    }

    @Test func compressedFrameWithoutNegotiationIsAProtocolError() throws {
        var wire = ByteBuffer()
        FrameEncoder(compression: .lz4).encodeRequest(.prepare("SELECT 1"), streamID: 1, into: &wire)
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &wire))
        #expect(frame.header.flags.contains(.compression))
        #expect(protocolErrorThrown { try RequestDecoder().decode(frame) } == .compressionNotNegotiated)
        #expect(try RequestDecoder(compression: .lz4).decode(frame).message == .prepare("SELECT 1"))
    }

    @Test func decompressionLimitAppliesToFrames() throws {
        var wire = ByteBuffer()
        FrameEncoder(compression: .lz4).encodeRequest(.prepare(String(repeating: "x", count: 5000)), streamID: 1,
                                                      into: &wire)
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &wire))
        let small = RequestDecoder(limits: ProtocolLimits(maxUncompressedBodyBytes: 1000), compression: .lz4)
        #expect(protocolErrorThrown { try small.decode(frame) } == .uncompressedBodyTooLarge(claimedBytes: 5004, limitBytes: 1000))
    }
}
