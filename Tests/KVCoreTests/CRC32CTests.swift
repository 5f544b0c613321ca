import KVCore
import Testing

@Suite struct CRC32CTests {
    /// Known CRC32C values (RFC 3720 appendix B.4 and the classic check value).
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test func emptyInputIsZeroAndExtendOfNothingKeepsTheCRC() {
        #expect(CRC32C.checksum([]) == 0)
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        #expect(CRC32C.extend(0x1234_5678, empty) == 0x1234_5678)
    }

    /// Extending piece by piece, at every split point and across the 8-byte fast path,
    /// equals checksumming the whole.
    @Test func extendingInPiecesEqualsTheWhole() {
        let random = SeededRandomSource(seed: 99)
        let bytes = (0..<131).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
        let whole = CRC32C.checksum(bytes)
        bytes.withUnsafeBytes { buffer in
            for split in 0...bytes.count {
                let first = CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: buffer[..<split]))
                let both = CRC32C.extend(first, UnsafeRawBufferPointer(rebasing: buffer[split...]))
                #expect(both == whole, "split at \(split)")
            }
        }
    }

    @Test func unalignedBuffersGiveTheSameChecksum() {
        let data = Array("The quick brown fox jumps over the lazy dog".utf8)
        for offset in 0..<8 {
            let padded = [UInt8](repeating: 0xAA, count: offset) + data
            let crc = padded.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            #expect(crc == CRC32C.checksum(data))
        }
        #expect(CRC32C.checksum(data) == 0x2262_0404)
    }

    @Test func maskRoundTripsAndChangesTheValue() {
        let random = SeededRandomSource(seed: 7)
        var values: [UInt32] = [0, 1, 0xFFFF_FFFF, 0xE306_9283, 0xa282_ead8]
        for _ in 0..<1000 { values.append(UInt32(truncatingIfNeeded: random.nextUInt64())) }
        for value in values {
            #expect(CRC32C.unmask(CRC32C.mask(value)) == value)
            #expect(CRC32C.mask(CRC32C.unmask(value)) == value)
        }
        #expect(CRC32C.mask(0xE306_9283) != 0xE306_9283)
        // LevelDB's definition: rotate right by 15, add the delta.
        #expect(CRC32C.mask(0) == 0xa282_ead8)
        #expect(CRC32C.mask(1) == (1 << 17) &+ 0xa282_ead8)
    }

    @Test func aSingleBitFlipChangesTheChecksum() {
        var bytes = [UInt8](repeating: 0x5A, count: 64)
        let original = CRC32C.checksum(bytes)
        for bit in 0..<(64 * 8) {
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(CRC32C.checksum(bytes) != original)
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
        }
    }
}
