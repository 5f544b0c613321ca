import KVCore
import Testing

/// `ByteWriter` and `ByteReader`: fixed-width integers, varints, zigzag, and malformed input.
@Suite struct ByteWriterTests {
    private func read<Result>(_ bytes: [UInt8], _ body: (inout ByteReader) throws(DecodeError) -> Result)
        throws(DecodeError) -> Result {
        try bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            return Swift.Result { () throws(DecodeError) in try body(&reader) }
        }.get()
    }

    private func varintBytes(_ value: UInt64) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeVarint(value)
        return writer.bytes
    }

    @Test func fixedWidthIntegersAreLittleEndian() throws {
        var writer = ByteWriter()
        writer.writeUInt8(0xAB)
        writer.writeUInt32(0x0102_0304)
        writer.writeUInt64(0x0102_0304_0506_0708)
        #expect(writer.bytes == [0xAB, 4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1])
        let (a, b, c, atEnd) = try read(writer.bytes) { reader throws(DecodeError) in
            (try reader.readUInt8(), try reader.readUInt32(), try reader.readUInt64(), reader.isAtEnd)
        }
        #expect(a == 0xAB && b == 0x0102_0304 && c == 0x0102_0304_0506_0708 && atEnd)
    }

    @Test func varintEncodingsOfEdgeValues() throws {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
            (16383, [0xFF, 0x7F]), (16384, [0x80, 0x80, 0x01]),
            (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (1 << 63, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
            (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, expected) in cases {
            #expect(varintBytes(value) == expected, "encoding of \(value)")
            let decoded = try read(expected) { reader throws(DecodeError) in (try reader.readVarint(), reader.isAtEnd) }
            #expect(decoded.0 == value && decoded.1, "decoding of \(value)")
        }
    }

    @Test func zigzagKeepsSmallMagnitudesShort() throws {
        let cases: [(Int64, UInt64)] = [(0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (Int64.max, UInt64.max - 1),
                                        (Int64.min, UInt64.max)]
        for (value, zigzag) in cases {
            var writer = ByteWriter()
            writer.writeSignedVarint(value)
            #expect(writer.bytes == varintBytes(zigzag), "zigzag of \(value)")
            #expect(try read(writer.bytes) { reader throws(DecodeError) in try reader.readSignedVarint() } == value)
        }
    }

    @Test func randomValuesRoundTrip() throws {
        let random = SeededRandomSource(seed: 11)
        var unsigned: [UInt64] = [], signed: [Int64] = [], blobs: [[UInt8]] = []
        var writer = ByteWriter()
        for _ in 0..<2000 {
            // Spread bit widths so every varint length occurs.
            let width = random.next(in: 0..<65)
            let value = width == 64 ? random.nextUInt64() : random.nextUInt64() & ((1 << UInt64(width)) - 1)
            unsigned.append(value)
            signed.append(Int64(bitPattern: value) >> UInt64(random.next(in: 0..<64)))
            blobs.append((0..<random.next(in: 0..<20)).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) })
            writer.writeVarint(unsigned.last!)
            writer.writeSignedVarint(signed.last!)
            writer.writeLengthPrefixed(blobs.last!)
        }
        try read(writer.bytes) { reader throws(DecodeError) in
            for index in unsigned.indices {
                #expect(try reader.readVarint() == unsigned[index])
                #expect(try reader.readSignedVarint() == signed[index])
                #expect(try reader.readLengthPrefixed() == blobs[index])
            }
            #expect(reader.isAtEnd)
        }
    }

    @Test func truncatedInputThrowsTruncated() {
        #expect(throws: DecodeError.truncated(offset: 0)) { try read([]) { reader throws(DecodeError) in try reader.readUInt8() } }
        #expect(throws: DecodeError.truncated(offset: 0)) { try read([1, 2, 3]) { reader throws(DecodeError) in try reader.readUInt32() } }
        #expect(throws: DecodeError.truncated(offset: 0)) { try read([1, 2, 3, 4, 5, 6, 7]) { reader throws(DecodeError) in try reader.readUInt64() } }
        #expect(throws: DecodeError.truncated(offset: 1)) { try read([0x80]) { reader throws(DecodeError) in try reader.readVarint() } }
        #expect(throws: DecodeError.truncated(offset: 3)) {
            try read([0xFF, 0xFF, 0xFF]) { reader throws(DecodeError) in try reader.readVarint() }
        }
        #expect(throws: DecodeError.truncated(offset: 0)) { try read([]) { reader throws(DecodeError) in try reader.readVarint() } }
        #expect(throws: DecodeError.truncated(offset: 1)) { try read([9]) { reader throws(DecodeError) in _ = try reader.readUInt8(); return try reader.readSlice(1) } }
        #expect(throws: DecodeError.self) { try read([1, 2]) { reader throws(DecodeError) in try reader.readSlice(-1) } }
    }

    @Test func overlongVarintsThrowMalformed() {
        // Eleven bytes: the tenth still has its continuation bit.
        let eleven = [UInt8](repeating: 0x80, count: 10) + [0x01]
        #expect(throws: DecodeError.self) { try read(eleven) { reader throws(DecodeError) in try reader.readVarint() } }
        // Ten bytes whose last carries more than the 64th bit.
        let overflow = [UInt8](repeating: 0xFF, count: 9) + [0x02]
        #expect(throws: DecodeError.malformed(offset: 9, reason: "varint overflows 64 bits")) {
            try read(overflow) { reader throws(DecodeError) in try reader.readVarint() }
        }
        let endless = [UInt8](repeating: 0xFF, count: 32)
        #expect(throws: DecodeError.self) { try read(endless) { reader throws(DecodeError) in try reader.readVarint() } }
    }

    @Test func lengthsAreCheckedAgainstTheirLimit() throws {
        #expect(throws: DecodeError.self) { try read(varintBytes(11)) { reader throws(DecodeError) in try reader.readLength(limit: 10) } }
        #expect(try read(varintBytes(10)) { reader throws(DecodeError) in try reader.readLength(limit: 10) } == 10)
        #expect(throws: DecodeError.self) {
            try read(varintBytes(UInt64.max)) { reader throws(DecodeError) in try reader.readLength(limit: Int.max) }
        }
        // A length prefix claiming more bytes than remain.
        #expect(throws: DecodeError.self) {
            try read([5, 1, 2, 3]) { reader throws(DecodeError) in try reader.readLengthPrefixed() }
        }
        #expect(try read([3, 1, 2, 3]) { reader throws(DecodeError) in try reader.readLengthPrefixed() } == [1, 2, 3])
    }

    @Test func randomGarbageNeverTraps() {
        let random = SeededRandomSource(seed: 5)
        for _ in 0..<2000 {
            let bytes = (0..<random.next(in: 0..<24)).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
            _ = try? read(bytes) { reader throws(DecodeError) in
                while !reader.isAtEnd {
                    _ = try reader.readSignedVarint()
                    _ = try reader.readLengthPrefixed()
                    _ = try reader.readUInt32()
                }
            }
        }
    }

    @Test func patchOverwritesFourBytesInPlace() {
        var writer = ByteWriter()
        writer.writeBytes([9, 9, 9, 9, 9, 9])
        writer.patchUInt32(0xA1B2_C3D4, at: 1)
        #expect(writer.bytes == [9, 0xD4, 0xC3, 0xB2, 0xA1, 9])
        writer.removeAll()
        #expect(writer.count == 0)
    }

    @Test func decodeErrorReportsItsOffset() {
        #expect(DecodeError.truncated(offset: 4).offset == 4)
        #expect(DecodeError.malformed(offset: 7, reason: "x").offset == 7)
        #expect("\(DecodeError.malformed(offset: 7, reason: "bad"))".contains("bad"))
    }

    /// Every length of varint, read with and without 8 bytes to spare (the word-at-a-time
    /// fast path and the byte-by-byte one), back to back.
    @Test func varintsOfEveryLengthReadBackWithAnyBytesAfterThem() throws {
        var values: [UInt64] = [0, 1, 127, 128, UInt64.max, UInt64(Int64.max)]
        for bits in 1...64 { values += [(1 << UInt64(bits - 1)) - 1, 1 << UInt64(bits - 1), UInt64.max >> UInt64(64 - bits)] }
        for padding in 0...9 {
            var writer = ByteWriter()
            for value in values { writer.writeVarint(value) }
            writer.writeBytes(Array(repeating: 0xFF, count: padding))
            try writer.bytes.withUnsafeBytes { buffer throws in
                var reader = ByteReader(buffer)
                for value in values { #expect(try reader.readVarint() == value) }
                #expect(reader.remaining == padding)
            }
        }
    }

    /// Bytes written in place and then prefixed give the bytes a prefixed array gives, at
    /// every varint length boundary, after bytes already written.
    @Test(arguments: [0, 1, 127, 128, 16_383, 16_384, 300_000])
    func lengthPrefixedBodyMatchesPrefixedArray(length: Int) {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var expected = ByteWriter()
        expected.writeUInt8(0xEE)
        expected.writeLengthPrefixed(payload)
        var written = ByteWriter()
        written.writeUInt8(0xEE)
        written.writeBytes(payload)
        written.insertLengthPrefix(at: 1)
        #expect(written.bytes == expected.bytes)
    }
}
