@testable import kvnode
import Testing

@Suite struct JSONValueTests {
    @Test func parsesDocumentsKeepingNumberTextAndKeyOrder() throws {
        let value = try JSONValue.parse(#" {"b": [1, -2.5e3, 123456789012345678901234567890], "a": {"x": null, "y": true}, "s": "q\"\\\u00e9\ud83d\ude00\n"} "#)
        #expect(value == .object([
            (key: "b", value: .array([.number("1"), .number("-2.5e3"), .number("123456789012345678901234567890")])),
            (key: "a", value: .object([(key: "x", value: .null), (key: "y", value: .bool(true))])),
            (key: "s", value: .string("q\"\\é😀\n")),
        ]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "\"abc", "tru", "1 2", "{\"a\": 01x}", "\"\\ud800\"", "\"\u{01}\""])
    func refusesMalformedDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let shallow = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect((try? JSONValue.parse(shallow)) != nil)
    }
}
