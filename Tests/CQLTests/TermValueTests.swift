import CQL
import KVCore
import Testing

/// Literals converted to column types as Cassandra converts them.
@Suite struct TermValueTests {
    static let context = TermContext(nowMicros: 1_700_000_000_123_456,
                                     timeUUID: { CQLUUID(high: 0x1000, low: 0x8000_0000_0000_0001) },
                                     randomUUID: { CQLUUID(high: 0x4000, low: 0x8000_0000_0000_0002) })

    func value(_ term: CQLTerm, _ type: CQLDataType) throws -> CQLValue? {
        try term.value(as: type, context: Self.context)
    }

    @Test func numbersFollowTheColumnType() throws {
        #expect(try value(.integer("42"), .int) == .int(42))
        #expect(try value(.integer("-128"), .tinyint) == .tinyint(-128))
        #expect(try value(.integer("42"), .double) == .double(42))
        #expect(try value(.float("1.5e3"), .float) == .float(1500))
        #expect(try value(.integer("1700000000000"), .timestamp) == .timestamp(1_700_000_000_000))
        #expect(try value(.integer("123456789012345678901234567890"), .varint)
            == .varint(CQLVarint(decimalText: "123456789012345678901234567890")!))
        #expect(try value(.float("-12.50"), .decimal) == .decimal(CQLDecimal(scale: 2, unscaled: CQLVarint(-1250))))
        #expect(try value(.float("1e3"), .decimal) == .decimal(CQLDecimal(scale: -3, unscaled: CQLVarint(1))))
        #expect(throws: CQLTermError.self) { try value(.integer("128"), .tinyint) }
        #expect(throws: CQLTermError.self) { try value(.float("1.5"), .int) }
        #expect(throws: CQLTermError.self) { try value(.integer("1"), .text) }
    }

    @Test func stringsBecomeTimesAddressesAndText() throws {
        #expect(try value(.string("2024-01-02 03:04:05+0000"), .timestamp) == .timestamp(1_704_164_645_000))
        #expect(try value(.string("2024-01-02T03:04:05.250Z"), .timestamp) == .timestamp(1_704_164_645_250))
        #expect(try value(.string("2024-01-02 05:04:05+02:00"), .timestamp) == .timestamp(1_704_164_645_000))
        #expect(try value(.string("2024-01-02"), .timestamp) == .timestamp(1_704_153_600_000))
        #expect(try value(.string("1969-12-31"), .date) == .date(-1))
        #expect(try value(.string("13:30:00.5"), .time) == .time(48_600_500_000_000))
        #expect(try value(.string("10.0.0.1"), .inet) == .inet([10, 0, 0, 1]))
        #expect(try value(.string("::1"), .inet) == .inet(Array(repeating: 0, count: 15) + [1]))
        #expect(try value(.string("héllo"), .text) == .text("héllo"))
        #expect(throws: CQLTermError.self) { try value(.string("héllo"), .ascii) }
        #expect(throws: CQLTermError.self) { try value(.string("2024-13-01"), .date) }
        #expect(throws: CQLTermError.self) { try value(.string("10.0.0.256"), .inet) }
        #expect(throws: CQLTermError.self) { try value(.string("25:00:00"), .time) }
    }

    @Test func uuidsBlobsAndFunctions() throws {
        let text = "6f1a0c52-3b7e-4f0e-9a55-0c1d2e3f4a5b"
        #expect(try value(.uuid(text), .uuid) == .uuid(CQLUUID(high: 0x6f1a0c523b7e4f0e, low: 0x9a550c1d2e3f4a5b)))
        #expect(throws: CQLTermError.self) { try value(.uuid(text), .timeuuid) }  // version 4, not 1
        #expect(try value(.blob("00ff"), .blob) == .blob([0, 255]))
        #expect(throws: CQLTermError.self) { try value(.blob("0"), .blob) }
        let now = CQLQualifiedName("now")
        #expect(try value(.functionCall(now, []), .timeuuid) == .timeuuid(CQLUUID(high: 0x1000, low: 0x8000_0000_0000_0001)))
        #expect(try value(.functionCall(CQLQualifiedName("toTimestamp"), [.functionCall(now, [])]), .timestamp)
            == .timestamp(1_700_000_000_123))
        #expect(throws: CQLTermError.self) { try value(.functionCall(now, []), .int) }
        #expect(throws: CQLTermError.self) { try value(.bindMarker, .int) }
    }

    @Test func collectionsAndNulls() throws {
        #expect(try value(.null, .int) == nil)
        #expect(try value(.list([.integer("1"), .integer("2")]), .list(.int)) == .list([.int(1), .int(2)]))
        #expect(try value(.set([.string("a")]), .set(.text)) == .set([.text("a")]))
        #expect(try value(.map([CQL.CQLMapEntry(key: .string("a"), value: .integer("1"))]), .map(.text, .bigint))
            == .map([KVCore.CQLMapEntry(key: .text("a"), value: .bigint(1))]))
        #expect(try value(.map([]), .set(.int)) == .set([]))
        #expect(try value(.map([]), .list(.int)) == .list([]))
        // `{}` is an empty set or list too; a map literal with entries is neither.
        let entry = CQL.CQLMapEntry(key: .integer("1"), value: .integer("2"))
        #expect(throws: CQLTermError.self) { try value(.map([entry]), .set(.int)) }
        #expect(throws: CQLTermError.self) { try value(.map([entry]), .list(.int)) }
        #expect(try value(.tuple([.integer("1"), .null]), .tuple([.int, .text])) == .tuple([.int(1), nil]))
        #expect(throws: CQLTermError.self) { try value(.list([.null]), .list(.int)) }
        #expect(throws: CQLTermError.self) { try value(.tuple([.integer("1"), .integer("2")]), .tuple([.int])) }
    }

    @Test func isoDurationsConvertAsCassandraDoes() throws {
        let hms: Int64 = (4 * 3600 + 5 * 60 + 6) * 1_000_000_000
        #expect(try value(.duration("P1Y2M3DT4H5M6S"), .duration) == .duration(CQLDuration(months: 14, days: 3, nanoseconds: hms)))
        #expect(try value(.duration("P0001-02-03T04:05:06"), .duration) == .duration(CQLDuration(months: 14, days: 3, nanoseconds: hms)))
        #expect(try value(.duration("P2W"), .duration) == .duration(CQLDuration(months: 0, days: 14, nanoseconds: 0)))
        #expect(try value(.duration("-P1D"), .duration) == .duration(CQLDuration(months: 0, days: -1, nanoseconds: 0)))
        #expect(try value(.duration("PT90M"), .duration) == .duration(CQLDuration(months: 0, days: 0, nanoseconds: 5_400_000_000_000)))
        #expect(try value(.duration("P1M"), .duration) == .duration(CQLDuration(months: 1, days: 0, nanoseconds: 0)))
        #expect(try value(.duration("PT1M"), .duration) == .duration(CQLDuration(months: 0, days: 0, nanoseconds: 60_000_000_000)))
        #expect(try value(.duration("-P0000-00-01T00:00:01"), .duration)
            == .duration(CQLDuration(months: 0, days: -1, nanoseconds: -1_000_000_000)))
    }

    @Test func isoDurationsRejectBadFormsAndOverflow() throws {
        for text in ["P1D2Y", "P1Y1Y", "PT1D", "P1H", "P1W2D", "P0001-02-03", "P178956971Y", "P2147483648D", "PT2562048H"] {
            #expect(throws: CQLTermError.self, "\(text)") { try value(.duration(text), .duration) }
        }
        #expect(try value(.duration("P178956970Y7M"), .duration) == .duration(CQLDuration(months: Int32.max, days: 0, nanoseconds: 0)))
    }
}
