import KVCore
import Testing

@testable import Coordinator

/// The `batchStore` and `batchRemove` payloads: round trips, a pinned layout, and damage
/// refused with an error.
@Suite struct BatchlogCodecTests {
    static func batch(seed: UInt64) -> LoggedBatch {
        let generator = MessageGenerator(seed: seed)
        let groups = (0..<3).map { index in
            LoggedBatch.Group(keyspace: "ks\(index)", mutations: (0..<index + 1).map { _ in generator.mutation() })
        }
        return LoggedBatch(id: BatchID(high: generator.random.nextUInt64(), low: generator.random.nextUInt64()), groups: groups)
    }

    @Test func batchesRoundTrip() throws {
        for seed in 0..<50 as Range<UInt64> {
            let batch = Self.batch(seed: seed)
            #expect(try BatchlogCodec.decodeBatch(BatchlogCodec.encode(batch)) == batch)
        }
        let id = BatchID(high: 1, low: 2)
        #expect(try BatchlogCodec.decodeRemove(BatchlogCodec.encodeRemove(id)) == id)
    }

    @Test func theLayoutIsVersionOneThenTheIDThenGroups() {
        let empty = BatchlogCodec.encode(LoggedBatch(id: BatchID(high: 1, low: 2), groups: [.init(keyspace: "k", mutations: [])]))
        #expect(empty == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x6B, 0])
        #expect(BatchlogCodec.encodeRemove(BatchID(high: 1, low: 2)) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func everyTruncationAndAnUnknownVersionAreErrors() {
        let bytes = BatchlogCodec.encode(Self.batch(seed: 7))
        for length in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try BatchlogCodec.decodeBatch(Array(bytes.prefix(length))) }
        }
        var future = bytes
        future[0] = 2
        #expect(throws: DecodeError.self) { try BatchlogCodec.decodeBatch(future) }
        #expect(throws: DecodeError.self) { try BatchlogCodec.decodeBatch(bytes + [0]) }
    }

    @Test func batchIDsPrintAndParseAs32HexDigits() {
        let id = BatchID(high: 0xAB, low: 0x1234_5678_9ABC_DEF0)
        #expect(id.description == "00000000000000ab123456789abcdef0")
        #expect(BatchID(hex: id.description) == id)
        #expect(BatchID(hex: "00000000000000AB123456789ABCDEF0") == nil)
        #expect(BatchID(hex: "xyz") == nil)
    }
}
