import CQL
import KVCore
import NIOCore
import Testing

/// Random and mutated input must produce errors or values, never traps or runaway allocation.
@Suite struct ProtocolFuzzTests {
    private static func randomBytes(_ random: SeededRandomSource, count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
    }

    private static func exercise(opcode: UInt8, flags: UInt8, body: [UInt8]) {
        var wire = ByteBuffer(bytes: [0x04, flags, 0x00, 0x01, opcode])
        wire.writeInteger(Int32(body.count))
        wire.writeBytes(body)
        var decoder = FrameDecoder()
        guard let frame = try? decoder.decodeFrame(from: &wire) else { return }
        _ = try? RequestDecoder(compression: .lz4).decode(frame)
        var response = frame
        response.header.isResponse = true
        _ = try? ResponseDecoder(compression: .lz4).decode(response)
    }

    @Test(arguments: 0..<20)
    func randomBodiesNeverTrap(seed: Int) {
        let random = SeededRandomSource(seed: UInt64(seed))
        let opcodes: [UInt8] = (0...0x10).map { UInt8($0) }
        for _ in 0..<300 {
            let body = Self.randomBytes(random, count: random.next(in: 0..<64))
            let flags = UInt8(truncatingIfNeeded: random.nextUInt64()) & 0x0F
            for opcode in opcodes { Self.exercise(opcode: opcode, flags: flags, body: body) }
        }
    }

    @Test(arguments: 0..<20)
    func mutatedValidFramesNeverTrap(seed: Int) throws {
        let random = SeededRandomSource(seed: UInt64(1000 + seed))
        var encoded: [[UInt8]] = []
        for message in MessageRoundTripTests.requests {
            var wire = ByteBuffer()
            FrameEncoder().encodeRequest(message, streamID: 1, into: &wire)
            encoded.append(protocolBytes(wire))
        }
        for message in MessageRoundTripTests.responses {
            var wire = ByteBuffer()
            FrameEncoder().encodeResponse(message, streamID: 1, into: &wire)
            var bytes = protocolBytes(wire)
            bytes[0] = 0x04
            encoded.append(bytes)
        }
        for var frame in encoded {
            guard frame.count > 9 else { continue }
            for _ in 0..<20 {
                let index = random.next(in: 9..<frame.count)
                frame[index] = UInt8(truncatingIfNeeded: random.nextUInt64())
                let cut = random.next(in: 9..<(frame.count + 1))
                Self.exercise(opcode: frame[4], flags: 0, body: Array(frame[9..<cut]))
            }
        }
    }

    @Test(arguments: 0..<10)
    func randomStreamsNeverTrapTheFrameDecoder(seed: Int) {
        let random = SeededRandomSource(seed: UInt64(5000 + seed))
        for _ in 0..<500 {
            var decoder = FrameDecoder(limits: ProtocolLimits(maxFrameBodyBytes: 256))
            var buffer = ByteBuffer(bytes: Self.randomBytes(random, count: random.next(in: 0..<40)))
            buffer.setInteger(UInt8(random.next(in: 0..<8)), at: 0)
            while let frame = try? decoder.decodeFrame(from: &buffer) {
                _ = try? RequestDecoder().decode(frame)
            }
        }
    }

    @Test(arguments: 0..<10)
    func randomLZ4BlocksNeverTrap(seed: Int) {
        let random = SeededRandomSource(seed: UInt64(9000 + seed))
        for _ in 0..<300 {
            var body = ByteBuffer()
            body.writeInteger(Int32(random.next(in: 0..<4096)))
            body.writeBytes(Self.randomBytes(random, count: random.next(in: 0..<128)))
            _ = try? LZ4BodyCodec.decompress(body, maxUncompressedBytes: 2048)
        }
    }
}
