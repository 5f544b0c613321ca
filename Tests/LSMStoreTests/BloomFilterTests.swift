import KVCore
import Testing
@testable import LSMStore

@Suite struct BloomFilterTests {
    static func key(_ number: Int, salt: UInt8) -> [UInt8] {
        RowKey.partitionPrefix([salt] + withUnsafeBytes(of: UInt64(number).bigEndian) { Array($0) })
    }

    static func makeFilter(keys: [[UInt8]], bitsPerKey: Int) throws -> BloomFilter {
        let hashes = keys.map { $0.withUnsafeBytes { BloomFilter.hash($0) } }
        let encoded = BloomFilter.encode(hashes: hashes, bitsPerKey: bitsPerKey)
        return try encoded.withUnsafeBytes { bytes in try Result { () throws(DecodeError) in try BloomFilter(decoding: bytes) }.get() }
    }

    @Test func noFalseNegativesAndAboutOnePercentFalsePositives() throws {
        let keys = (0..<100_000).map { Self.key($0, salt: 1) }
        let filter = try Self.makeFilter(keys: keys, bitsPerKey: 10)
        #expect(filter.bitCount == 1_000_000)
        #expect(keys.allSatisfy { key in key.withUnsafeBytes { filter.mayContain($0) } })
        let probes = 100_000
        let falsePositives = (0..<probes).count { number in
            Self.key(number, salt: 2).withUnsafeBytes { filter.mayContain($0) }
        }
        let rate = Double(falsePositives) / Double(probes)
        #expect(rate > 0.004 && rate < 0.015, "false positive rate \(rate)")
    }

    @Test func emptyFilterAdmitsEverything() throws {
        let filter = try Self.makeFilter(keys: [[1, 0, 1]], bitsPerKey: 0)
        #expect(filter.bitCount == 0)
        #expect([UInt8]([9]).withUnsafeBytes { filter.mayContain($0) })
        let small = try Self.makeFilter(keys: [], bitsPerKey: 10)
        #expect(small.bitCount == 64)
    }

    /// The hash is part of the file format: these values must never change.
    @Test func hashIsStable() {
        func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { BloomFilter.hash($0) } }
        #expect(hash([]) == 0)
        #expect(hash(Array("a".utf8)) == 0xD58E_5A17_0111_9A0F)
        #expect(hash(Array("partition-key-0001".utf8)) == 0xEF1A_29FD_6D63_4E64)
        #expect(hash(Array(0..<64)) == 0x2364_224B_B001_E6E8)
    }

    @Test func probeCountFollowsBitsPerKey() {
        #expect(BloomFilter.probeCount(bitsPerKey: 10) == 6)
        #expect(BloomFilter.probeCount(bitsPerKey: 1) == 1)
        #expect(BloomFilter.probeCount(bitsPerKey: 64) == 30)
    }

    @Test func damagedProbeCountIsRejected() {
        for encoded: [UInt8] in [[], [0, 0, 0], [0, 31]] {
            #expect(throws: DecodeError.self) {
                try encoded.withUnsafeBytes { bytes in try Result { () throws(DecodeError) in try BloomFilter(decoding: bytes) }.get() }
            }
        }
    }
}
