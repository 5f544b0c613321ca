import KVCore
import Testing

/// `CQLValue.validate` must accept exactly what `deserialize` accepts, with the same error.
@Suite struct CQLValueValidateTests {
    static let types: [CQLDataType] = [
        .blob, .boolean, .tinyint, .smallint, .int, .bigint, .counter, .timestamp, .float, .double, .date,
        .uuid, .timeuuid, .time, .text, .ascii, .varint, .inet, .list(.int), .map(.text, .int),
    ]

    static func outcome(_ body: () throws(CQLValueError) -> Void) -> String {
        do {
            try body()
            return "valid"
        } catch {
            return "\(error)"
        }
    }

    static func agree(_ bytes: [UInt8], _ type: CQLDataType) -> Bool {
        outcome { () throws(CQLValueError) in try CQLValue.validate(bytes, as: type) }
            == outcome { () throws(CQLValueError) in _ = try CQLValue.deserialize(bytes, as: type) }
    }

    @Test func agreesWithDeserializeOnRandomBytes() {
        let random = SeededRandomSource(seed: 41)
        var valid = 0
        for type in Self.types {
            for length in 0..<24 {
                for _ in 0..<8 {
                    let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64() >> 7) }
                    #expect(Self.agree(bytes, type), "\(type) \(bytes)")
                    if (try? CQLValue.validate(bytes, as: type)) != nil { valid += 1 }
                }
            }
        }
        #expect(valid > 500)  // the sample holds valid values of most types, not only errors
    }

    @Test func agreesWithDeserializeOnTextEdgeCases() {
        let cases: [[UInt8]] = [
            [], Array("plain ascii".utf8), Array("naïve – ☃ 😀".utf8),
            [0xC0, 0x80],               // overlong NUL
            [0xED, 0xA0, 0x80],         // a UTF-16 surrogate
            [0xE2, 0x82],               // truncated
            [0xF4, 0x90, 0x80, 0x80],   // past U+10FFFF
            [0x61, 0xFF, 0x62], [0x80], [0x7F],
        ]
        for bytes in cases {
            #expect(Self.agree(bytes, .text), "\(bytes)")
            #expect(Self.agree(bytes, .ascii), "\(bytes)")
        }
        #expect((try? CQLValue.validate([0xC0, 0x80], as: .text)) == nil)
        #expect((try? CQLValue.validate(Array("☃".utf8), as: .text)) != nil)
    }
}
