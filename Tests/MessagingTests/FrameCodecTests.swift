import KVCore
import NIOCore
import Testing

@testable import Messaging

@Suite struct FrameCodecTests {
    let codec = FrameCodec(maxFrameSizeBytes: 1024 * 1024)

    static func sampleFrame(payload: [UInt8] = Array("hello".utf8)) -> Frame {
        Frame(
            kind: .request, verb: .mutation, requestID: 0x0102_0304_0506_0708,
            sender: NodeAddress(host: "127.0.0.2", port: 7000), payload: payload)
    }

    @Test func roundTripsEveryKind() throws {
        for kind in FrameKind.allCases {
            var frame = Self.sampleFrame(payload: (0..<300).map { UInt8(truncatingIfNeeded: $0) })
            frame.kind = kind
            var buffer = FrameCodec.encode(frame)
            #expect(buffer.readableBytes == FrameCodec.encodedSizeBytes(of: frame))
            #expect(try codec.decode(from: &buffer) == frame)
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func roundTripsEmptyPayloadAndIPv6Sender() throws {
        let frame = Frame(
            kind: .oneWay, verb: Verb(rawValue: 65535), requestID: 0,
            sender: NodeAddress(host: "::1", port: 65535), payload: [])
        var buffer = FrameCodec.encode(frame)
        #expect(try codec.decode(from: &buffer) == frame)
    }

    /// The layout of FORMAT.md, frozen: a change here is a wire format change.
    @Test func matchesGoldenBytes() {
        let frame = Frame(
            kind: .request, verb: .read, requestID: 7, sender: NodeAddress(host: "a", port: 0x1B58),
            payload: [0xAB])
        let bytes = Array(FrameCodec.encode(frame).readableBytesView)
        let expectedHeader: [UInt8] = [
            0x4B, 0x56, 0x4D, 0x53, 0x01, 0x01, 0x00, 0x15,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
            0x1B, 0x58, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01,
        ]
        #expect(bytes.count == 34)
        #expect(Array(bytes[0..<24]) == expectedHeader)
        #expect(Array(bytes[24..<28]) == bigEndian(CRC32C.checksum(expectedHeader)))
        #expect(Array(bytes[28..<30]) == [0x61, 0xAB])
        #expect(Array(bytes[30..<34]) == bigEndian(CRC32C.checksum([0x61, 0xAB])))
    }

    @Test func decodesBytesArrivingOneAtATime() throws {
        let frames = (0..<3).map { index in
            var frame = Self.sampleFrame(payload: Array(repeating: UInt8(index), count: 40 * index))
            frame.requestID = UInt64(index)
            return frame
        }
        var wire = ByteBuffer()
        for frame in frames { FrameCodec.encode(frame, into: &wire) }
        var decoded: [Frame] = []
        var cumulation = ByteBuffer()
        for byte in wire.readableBytesView {
            cumulation.writeInteger(byte)
            while let frame = try codec.decode(from: &cumulation) { decoded.append(frame) }
        }
        #expect(decoded == frames)
        #expect(cumulation.readableBytes == 0)
    }

    @Test func rejectsBadMagicAtTheFirstByte() {
        var buffer = ByteBuffer(bytes: [0x47])  // "G" of an HTTP GET
        #expect(throws: FrameError.badMagic) { try codec.decode(from: &buffer) }
        #expect(buffer.readableBytes == 1)
    }

    @Test func rejectsUnknownVersionBeforeTheHeaderIsComplete() {
        var bytes = Array(FrameCodec.encode(Self.sampleFrame()).readableBytesView)
        bytes[4] = 2
        var buffer = ByteBuffer(bytes: bytes[0..<5])
        #expect(throws: FrameError.unsupportedVersion(2)) { try codec.decode(from: &buffer) }
    }

    @Test func rejectsHeaderCorruption() {
        var bytes = Array(FrameCodec.encode(Self.sampleFrame()).readableBytesView)
        bytes[10] ^= 0x01  // a request id bit
        var buffer = ByteBuffer(bytes: bytes)
        #expect {
            try codec.decode(from: &buffer)
        } throws: { error in
            if case .headerChecksumMismatch = error as? FrameError { true } else { false }
        }
    }

    @Test func rejectsPayloadCorruption() {
        var bytes = Array(FrameCodec.encode(Self.sampleFrame()).readableBytesView)
        bytes[bytes.count - 5] ^= 0x80  // last payload byte
        var buffer = ByteBuffer(bytes: bytes)
        #expect {
            try codec.decode(from: &buffer)
        } throws: { error in
            if case .bodyChecksumMismatch = error as? FrameError { true } else { false }
        }
    }

    @Test func rejectsOversizedLengthFromTheHeaderAlone() {
        // Only the 28 header bytes exist: the decoder must refuse without waiting for 4 GiB.
        var buffer = ByteBuffer(bytes: RawFrames.header(payloadLength: UInt32.max))
        #expect(throws: FrameError.oversized(sizeBytes: 32 + 1 + Int(UInt32.max), maxBytes: 1024 * 1024)) {
            try codec.decode(from: &buffer)
        }
    }

    @Test func acceptsAFrameOfExactlyTheMaximumSize() throws {
        let small = FrameCodec(maxFrameSizeBytes: 100)
        let frame = Self.sampleFrame(payload: Array(repeating: 1, count: 100 - 32 - 9))
        var buffer = FrameCodec.encode(frame)
        #expect(try small.decode(from: &buffer) == frame)
        var bigger = FrameCodec.encode(Self.sampleFrame(payload: Array(repeating: 1, count: 100 - 32 - 8)))
        #expect(throws: FrameError.oversized(sizeBytes: 101, maxBytes: 100)) { try small.decode(from: &bigger) }
    }

    @Test func rejectsUnknownKindReservedByteAndEmptyHost() {
        var unknownKind = ByteBuffer(bytes: RawFrames.header(kind: 9))
        #expect(throws: FrameError.unknownKind(9)) { try codec.decode(from: &unknownKind) }
        var reserved = ByteBuffer(bytes: RawFrames.header(reserved: 1))
        #expect(throws: FrameError.malformed("reserved byte is not 0")) { try codec.decode(from: &reserved) }
        var emptyHost = ByteBuffer(bytes: RawFrames.header(hostLength: 0))
        #expect(throws: FrameError.malformed("empty sender host")) { try codec.decode(from: &emptyHost) }
    }

    @Test func waitsForTheRestOfATruncatedFrame() throws {
        let bytes = Array(FrameCodec.encode(Self.sampleFrame()).readableBytesView)
        for length in [0, 3, 27, 28, bytes.count - 1] {
            var buffer = ByteBuffer(bytes: bytes[0..<length])
            #expect(try codec.decode(from: &buffer) == nil)
            #expect(buffer.readableBytes == length, "nothing consumed at \(length)")
        }
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}

/// Hand-built frame headers for rejection tests (valid header checksum unless noted).
enum RawFrames {
    static func header(
        kind: UInt8 = 1, hostLength: UInt8 = 1, reserved: UInt8 = 0, payloadLength: UInt32 = 0
    ) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(FrameCodec.magic)
        buffer.writeInteger(FrameCodec.version)
        buffer.writeInteger(kind)
        buffer.writeInteger(Verb.echo.rawValue)
        buffer.writeInteger(UInt64(1))
        buffer.writeInteger(UInt16(7000))
        buffer.writeInteger(hostLength)
        buffer.writeInteger(reserved)
        buffer.writeInteger(payloadLength)
        let covered = Array(buffer.readableBytesView)
        buffer.writeInteger(CRC32C.checksum(covered))
        return Array(buffer.readableBytesView)
    }
}
