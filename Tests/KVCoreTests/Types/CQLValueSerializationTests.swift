import Testing
@testable import KVCore

@Suite struct CQLValueSerializationTests {
    /// Round trips through the binary form and checks the decoded value is identical.
    private func roundTrip(_ value: CQLValue, _ type: CQLDataType, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let encoded = try value.serialize(as: type)
        let decoded = try CQLValue.deserialize(encoded, as: type)
        #expect(try decoded.serialize(as: type) == encoded, sourceLocation: sourceLocation)
        if case .float(let f) = value, f.isNaN { return }
        if case .double(let d) = value, d.isNaN { return }
        #expect(decoded == value, sourceLocation: sourceLocation)
    }

    @Test func goldenBytesMatchCassandra() throws {
        let cases: [(CQLValue, CQLDataType, String)] = [
            (.int(1), .int, "00000001"),
            (.bigint(-1), .bigint, "ffffffffffffffff"),
            (.smallint(-2), .smallint, "fffe"),
            (.tinyint(127), .tinyint, "7f"),
            (.boolean(true), .boolean, "01"),
            (.float(1.0), .float, "3f800000"),
            (.double(-2.0), .double, "c000000000000000"),
            (.text("é"), .text, "c3a9"),
            (.date(0), .date, "80000000"),
            (.date(-1), .date, "7fffffff"),
            (.timestamp(1_000), .timestamp, "00000000000003e8"),
            (.varint(CQLVarint(0)), .varint, "00"),
            (.varint(CQLVarint(128)), .varint, "0080"),
            (.varint(CQLVarint(-128)), .varint, "80"),
            (.varint(CQLVarint(-129)), .varint, "ff7f"),
            (.decimal(CQLDecimal(scale: 2, unscaled: CQLVarint(123))), .decimal, "000000027b"),
            (.duration(CQLDuration(months: 1, days: 2, nanoseconds: 3)), .duration, "020406"),
            (.duration(CQLDuration(months: 0, days: 0, nanoseconds: 1000)), .duration, "000087d0"),
            (.duration(CQLDuration(months: -1, days: 0, nanoseconds: 0)), .duration, "010000"),
            (.list([.int(1), .int(2)]), .list(.int), "00000002 00000004 00000001 00000004 00000002"),
            (.map([CQLMapEntry(key: .text("a"), value: .int(1))]), .map(.text, .int), "00000001 00000001 61 00000004 00000001"),
            (.tuple([.int(1), nil]), .tuple([.int, .text]), "00000004 00000001 ffffffff"),
            (.inet([127, 0, 0, 1]), .inet, "7f000001"),
        ]
        for (value, type, expected) in cases {
            #expect(typesHex(try value.serialize(as: type)) == typesHex(typesBytes(expected)), "\(value)")
            #expect(try CQLValue.deserialize(typesBytes(expected), as: type).serialize(as: type) == typesBytes(expected))
        }
    }

    @Test func roundTripsEdgeValuesOfEveryScalar() throws {
        for number in [Int64.min, -1, 0, 1, Int64.max] {
            try roundTrip(.bigint(number), .bigint)
            try roundTrip(.counter(number), .counter)
            try roundTrip(.timestamp(number), .timestamp)
        }
        for number in [Int32.min, -1, 0, Int32.max] {
            try roundTrip(.int(number), .int)
            try roundTrip(.date(number), .date)
        }
        try roundTrip(.smallint(.min), .smallint)
        try roundTrip(.smallint(.max), .smallint)
        try roundTrip(.tinyint(.min), .tinyint)
        try roundTrip(.boolean(false), .boolean)
        for number in [Float.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude] {
            try roundTrip(.float(number), .float)
            #expect(try CQLValue.float(number).serialize(as: .float) == BigEndian.bytes(number.bitPattern))
        }
        for number in [Double.nan, .infinity, -.infinity, -0.0, .pi] { try roundTrip(.double(number), .double) }
        try roundTrip(.text(""), .text)
        try roundTrip(.text("日本語 😀 \u{0}"), .text)
        try roundTrip(.ascii(""), .ascii)
        try roundTrip(.blob([]), .blob)
        try roundTrip(.blob([0, 0xFF]), .blob)
        try roundTrip(.time(0), .time)
        try roundTrip(.time(CQLValue.nanosecondsPerDay - 1), .time)
        try roundTrip(.inet(Array(repeating: 0xFE, count: 16)), .inet)
        try roundTrip(.uuid(CQLUUID(high: 0x1234_5678_9ABC_4DEF, low: .max)), .uuid)
        try roundTrip(.timeuuid(CQLUUID(high: 0x0000_0000_0000_1000, low: 7)), .timeuuid)
    }

    @Test func roundTripsBigNumbersAndDurations() throws {
        let huge = CQLVarint(negative: false, magnitude: Array(repeating: 0xAB, count: 300))
        #expect(huge.bytes.count == 301)
        try roundTrip(.varint(huge), .varint)
        try roundTrip(.varint(CQLVarint(negative: true, magnitude: Array(repeating: 0xFF, count: 40))), .varint)
        try roundTrip(.decimal(CQLDecimal(scale: -5, unscaled: huge)), .decimal)
        try roundTrip(.decimal(CQLDecimal(scale: Int32.min, unscaled: CQLVarint(-7))), .decimal)
        try roundTrip(.decimal(CQLDecimal(scale: Int32.max, unscaled: CQLVarint(0))), .decimal)
        try roundTrip(.duration(CQLDuration(months: -3, days: -400, nanoseconds: Int64.min)), .duration)
        try roundTrip(.duration(CQLDuration(months: .max, days: .max, nanoseconds: .max)), .duration)
        #expect(CQLVarint(negative: false, magnitude: [0x01, 0x00]).description == "256")
        #expect(CQLVarint(negative: true, magnitude: typesBytes("0de0b6b3a7640000")).description == "-1000000000000000000")
    }

    @Test func roundTripsCollectionsTuplesAndUDTs() throws {
        try roundTrip(.list([]), .list(.int))
        try roundTrip(.set([.text("a"), .text("")]), .set(.text))
        try roundTrip(.map([CQLMapEntry(key: .int(1), value: .list([.boolean(true)]))]), .map(.int, .frozen(.list(.boolean))))
        try roundTrip(.tuple([nil, .text("x"), .tuple([.int(1)])]), .tuple([.int, .text, .tuple([.int])]))
        let udt = CQLDataType.udt(keyspace: "ks", name: "u", fields: [CQLUDTField(name: "a", type: .int), CQLUDTField(name: "b", type: .text)])
        try roundTrip(.udt([.int(1), nil]), udt)
        try roundTrip(.udt([.int(1)]), udt)
    }

    @Test func malformedBytesThrow() {
        let cases: [([UInt8], CQLDataType)] = [
            ([0, 0, 1], .int), ([], .bigint), ([1, 2], .boolean), ([0xC3], .text), ([0x80], .ascii),
            ([1, 2, 3], .inet), ([], .varint), ([0, 0, 0, 1], .decimal), ([0x80], .duration),
            ([0x02, 0x01, 0x00], .duration),  // months +1, days -1: mixed signs
            (BigEndian.bytes(CQLValue.nanosecondsPerDay), .time), (BigEndian.bytes(Int64(-1)), .time),
            (CQLUUID(high: 0x4000, low: 0).bytes, .timeuuid), (Array(repeating: 0, count: 15), .uuid),
            (typesBytes("00000002 00000004 00000001"), .list(.int)),
            (typesBytes("ffffffff"), .list(.int)),
            (typesBytes("7fffffff"), .set(.int)),
            (typesBytes("00000001 ffffffff"), .list(.int)),
            (typesBytes("00000001 00000004 00000001 00"), .list(.int)),
            (typesBytes("00000001 00000003 000001"), .list(.int)),
            (typesBytes("00000004 00000001 00000000 00"), .tuple([.int, .text])),
            (typesBytes("00000004 00000001 ffffffff 00000000"), .tuple([.int, .text])),
        ]
        for (input, type) in cases {
            #expect(throws: CQLValueError.self, "\(type) \(typesHex(input))") { try CQLValue.deserialize(input, as: type) }
        }
        var deep = CQLDataType.int
        for _ in 0...CQLTypeLimits.maxNestingDepth { deep = .list(deep) }
        #expect(throws: CQLValueError.self) { try CQLValue.deserialize(typesBytes("00000000"), as: deep) }
    }

    @Test func invalidValuesDoNotSerialize() {
        #expect(throws: CQLValueError.self) { try CQLValue.ascii("é").serialize(as: .ascii) }
        #expect(throws: CQLValueError.self) { try CQLValue.int(1).serialize(as: .text) }
        #expect(throws: CQLValueError.self) { try CQLValue.inet([1]).serialize(as: .inet) }
        #expect(throws: CQLValueError.self) { try CQLValue.time(-1).serialize(as: .time) }
        #expect(throws: CQLValueError.self) { try CQLValue.duration(CQLDuration(months: 1, days: -1, nanoseconds: 0)).serialize(as: .duration) }
        #expect(throws: CQLValueError.self) { try CQLValue.tuple([.int(1)]).serialize(as: .tuple([.int, .int])) }
    }

    @Test func randomValuesRoundTrip() throws {
        var random = RandomCQLValues(generator: TypesSeededGenerator(seed: 11))
        for type in RandomCQLValues.orderableTypes {
            for _ in 0..<200 {
                let encoded = random.serialized(type)
                #expect(try CQLValue.deserialize(encoded, as: type).serialize(as: type) == encoded, "\(type)")
            }
        }
    }
}
