import KVClient
import KVCore
import Testing

/// Values in their natural JSON form, as `kvcli segment --format ndjson` writes them.
@Suite struct CQLValueJSONTests {
    @Test func scalars() {
        let json = { (value: CQLValue?) in CQLValueJSON.json(value) }
        #expect(json(nil) == "null")
        #expect(json(.int(-5)) == "-5")
        #expect(json(.varint(CQLVarint(123_456_789_012_345))) == "123456789012345")
        #expect(json(.boolean(false)) == "false")
        #expect(json(.double(3.14159265)) == "3.14159265")
        #expect(json(.float(0.1)) == "0.1")
        #expect(json(.double(.nan)) == "\"NaN\"")
        #expect(json(.double(-.infinity)) == "\"-Infinity\"")
        #expect(json(.decimal(CQLDecimal(scale: 2, unscaled: CQLVarint(-12345)))) == "-123.45")
        #expect(json(.timestamp(1_704_164_645_000)) == "\"2024-01-02 03:04:05.000000+0000\"")
        #expect(json(.blob([0x00, 0xAB])) == "\"0x00ab\"")
    }

    @Test func textIsEscaped() {
        #expect(CQLValueJSON.json(.text("a\"b\\c\nd\u{01}é")) == "\"a\\\"b\\\\c\\nd\\u0001é\"")
    }

    @Test func collectionsTuplesAndUDTs() {
        #expect(CQLValueJSON.json(.list([.int(1), .int(2)])) == "[1,2]")
        #expect(CQLValueJSON.json(.map([CQLMapEntry(key: .text("lang"), value: .text("ja"))])) == "{\"lang\":\"ja\"}")
        #expect(CQLValueJSON.json(.map([CQLMapEntry(key: .int(7), value: .boolean(true))])) == "{\"7\":true}")
        #expect(CQLValueJSON.json(.tuple([.int(1), nil])) == "[1,null]")
        let type = CQLDataType.udt(keyspace: "ks", name: "address",
                                   fields: [CQLUDTField(name: "city", type: .text), CQLUDTField(name: "zip", type: .int)])
        #expect(CQLValueJSON.json(.udt([.text("Tokyo"), .int(100)]), type: type) == "{\"city\":\"Tokyo\",\"zip\":100}")
    }
}
