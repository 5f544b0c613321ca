import Testing
@testable import KVCore

@Suite struct PartitionKeySerializationTests {
    @Test func singleColumnKeyIsTheValue() throws {
        let value = try CQLValue.text("user-1").serialize(as: .text)
        #expect(try PartitionKeySerialization.serialize([value]) == value)
        #expect(try PartitionKeySerialization.components(of: value, columnCount: 1) == [value])
    }

    @Test func compositeKeyGoldenBytes() throws {
        // (int 1, text 'a'): Cassandra's CompositeType bytes, as drivers build routing keys.
        let components = [try CQLValue.int(1).serialize(as: .int), try CQLValue.text("a").serialize(as: .text)]
        let key = try PartitionKeySerialization.serialize(components)
        #expect(typesHex(key) == "0004" + "00000001" + "00" + "0001" + "61" + "00")
        #expect(try PartitionKeySerialization.components(of: key, columnCount: 2) == components)
        let withEmpty = try PartitionKeySerialization.serialize([[], [0xFF]])
        #expect(typesHex(withEmpty) == "000000" + "0001ff00")
    }

    @Test func malformedCompositeKeysThrow() {
        let cases: [[UInt8]] = [typesBytes("0004 000000"), typesBytes("0001 61 01 0001 62 00"), typesBytes("0001 61 00"), typesBytes("0001 61 00 0001 62 00 0000 00")]
        for key in cases {
            #expect(throws: CQLValueError.self, "\(typesHex(key))") { try PartitionKeySerialization.components(of: key, columnCount: 2) }
        }
        #expect(throws: CQLValueError.self) { try PartitionKeySerialization.serialize([Array(repeating: 0, count: 65_536), []]) }
    }
}
