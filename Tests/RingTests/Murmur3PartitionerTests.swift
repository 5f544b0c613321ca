import KVCore
import Ring
import Testing

/// `Murmur3Partitioner` against tokens computed by the Python driver.
@Suite struct Murmur3PartitionerTests {
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
        }
    }

    @Test func theDriversHelloExample() {
        #expect(Murmur3Partitioner.token(for: Array("hello".utf8)) == Token(-3_758_069_500_696_749_310))
    }

    @Test func shortKeysMatchTheDriver() {
        for vector in DriverMurmur3Vectors.shortKeys {
            let token = Murmur3Partitioner.token(for: Self.bytes(hex: vector.hex))
            #expect(token == Token(vector.token), "key \(vector.hex)")
        }
    }

    @Test func longKeysMatchTheDriver() {
        for vector in DriverMurmur3Vectors.longKeys {
            let key = (0..<vector.length).map { UInt8(($0 * 131 + 7) % 256) }
            #expect(Murmur3Partitioner.token(for: key) == Token(vector.token), "length \(vector.length)")
        }
    }

    /// Bytes >= 0x80 in the tail are sign-extended (Cassandra's quirk): the reference
    /// (unsigned-tail) murmur3 of `ff` starts with 5177511712917721324; Cassandra's token
    /// differs. Below 0x80 the two agree.
    @Test func tailBytesAreSignExtended() {
        #expect(Murmur3Partitioner.token(for: [0xFF]) == Token(-4_442_228_696_663_692_417))
        #expect(Murmur3Partitioner.token(for: [0xFF]) != Token(5_177_511_712_917_721_324))
        #expect(Murmur3Partitioner.token(for: Array("abc".utf8)) == Token(-5_434_086_359_492_102_041))
    }

    @Test func bufferAndArrayEntryPointsAgree() {
        let key = Array("profile#00000042".utf8)
        let fromBuffer = key.withUnsafeBytes { Murmur3Partitioner.token(forKeyBytes: $0) }
        #expect(fromBuffer == Murmur3Partitioner.token(for: key))
    }

    @Test func tokensAreNeverTheMinimum() {
        for length in 0..<256 {
            let key = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ length) }
            #expect(Murmur3Partitioner.token(for: key) != .minimum)
        }
    }

    @Test func nameIsCassandras() {
        #expect(Murmur3Partitioner.name == "org.apache.cassandra.dht.Murmur3Partitioner")
    }
}
