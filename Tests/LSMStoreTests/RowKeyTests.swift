import KVCore
import Testing
@testable import LSMStore

@Suite struct RowKeyTests {
    private static func randomBytes(_ random: any RandomSource, maxCount: Int) -> [UInt8] {
        // Zero, one and 0xFF are the bytes the escaping cares about.
        (0..<random.next(in: 0..<(maxCount + 1))).map { _ in UInt8([0, 0, 1, 2, 0xFE, 0xFF][random.next(in: 0..<6)]) }
    }

    private static func precedes(_ left: ([UInt8], [UInt8]), _ right: ([UInt8], [UInt8])) -> Bool {
        if left.0 != right.0 { return left.0.lexicographicallyPrecedes(right.0) }
        return left.1.lexicographicallyPrecedes(right.1)
    }

    @Test func layoutEscapesZerosAndEndsThePartitionWithATerminator() {
        #expect(RowKey.encode(partition: [0x61], clustering: [0x05]) == [0x61, 0x00, 0x01, 0x05])
        #expect(RowKey.encode(partition: [0x00, 0x61], clustering: []) == [0x00, 0xFF, 0x61, 0x00, 0x01])
        #expect(RowKey.partitionPrefix([]) == [0x00, 0x01])
        #expect(RowKey.partitionPrefix([0, 0]) == [0x00, 0xFF, 0x00, 0xFF, 0x00, 0x01])
        var reused: [UInt8] = [9, 9, 9, 9, 9, 9, 9, 9]
        RowKey.encode(partition: [1], clustering: [2], into: &reused)
        #expect(reused == [1, 0, 1, 2])
    }

    @Test func encodeDecodeRoundTripsIncludingZeroBytes() throws {
        let random = SeededRandomSource(seed: 51)
        var cases: [([UInt8], [UInt8])] = [([], []), ([0], [0]), ([0, 1], [0, 1]), ([0xFF, 0], []), ([], [0, 0, 1])]
        for _ in 0..<2_000 { cases.append((Self.randomBytes(random, maxCount: 6), Self.randomBytes(random, maxCount: 6))) }
        for (partition, clustering) in cases {
            let key = RowKey.encode(partition: partition, clustering: clustering)
            let decoded = try #require(RowKey.decode(key))
            #expect(decoded.partition == partition && decoded.clustering == clustering, "\(partition) / \(clustering)")
            let prefix = RowKey.partitionPrefix(partition)
            #expect(key.starts(with: prefix))
            #expect(key.withUnsafeBytes { RowKey.partitionPrefixLength($0) } == prefix.count)
            #expect(prefix.withUnsafeBytes { RowKey.partitionPrefixLength($0) } == prefix.count)
            let packed = RowKey.withPacked(partition: partition, clustering: clustering) { (Array($0), $1) }
            #expect(packed.0 == key && packed.1 == prefix.count, "\(partition) / \(clustering)")
        }
    }

    @Test func packedOrderIsPartitionThenClusteringOrder() {
        let random = SeededRandomSource(seed: 52)
        for _ in 0..<5_000 {
            let left = (Self.randomBytes(random, maxCount: 4), Self.randomBytes(random, maxCount: 3))
            let right = (Self.randomBytes(random, maxCount: 4), Self.randomBytes(random, maxCount: 3))
            let packedLeft = RowKey.encode(partition: left.0, clustering: left.1)
            let packedRight = RowKey.encode(partition: right.0, clustering: right.1)
            #expect(packedLeft.lexicographicallyPrecedes(packedRight) == Self.precedes(left, right), "\(left) vs \(right)")
            #expect((packedLeft == packedRight) == (left.0 == right.0 && left.1 == right.1))
        }
    }

    @Test func aShorterPartitionSortsBeforeOneExtendingIt() {
        for suffix: [UInt8] in [[0], [1], [0xFF], [0, 0]] {
            let short = RowKey.encode(partition: [7], clustering: [0xFF, 0xFF])
            let long = RowKey.encode(partition: [7] + suffix, clustering: [])
            #expect(short.lexicographicallyPrecedes(long), "suffix \(suffix)")
        }
    }

    @Test func malformedKeysDecodeToNil() {
        let malformed: [[UInt8]] = [[], [0x61], [0x00], [0x61, 0x00], [0x00, 0xFF], [0x01, 0x00, 0xFF, 0x02]]
        for key in malformed {
            #expect(RowKey.decode(key) == nil, "\(key)")
            #expect(key.withUnsafeBytes { RowKey.partitionPrefixLength($0) } == nil, "\(key)")
        }
    }

    /// Inside the partition part a zero byte is always followed by 0xFF (escape) or 0x01
    /// (terminator); any other byte after a zero is damage, and decoding it would give a
    /// partition key that does not encode back to the same bytes.
    @Test func badEscapeSequencesAreMalformed() {
        let keys: [[UInt8]] = [[0x00, 0x05, 0x00, 0x01], [0x61, 0x00, 0x00, 0x00, 0x01, 0x09]]
        for key in keys {
            let decoded = RowKey.decode(key)
            #expect(decoded == nil, "\(key) decoded to \(String(describing: decoded))")
            if let decoded {
                #expect(RowKey.encode(partition: decoded.partition, clustering: decoded.clustering) == key)
            }
        }
    }
}
