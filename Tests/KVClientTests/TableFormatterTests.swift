import CQL
import KVClient
import KVCore
import Testing

/// cqlsh's table layout and value formats.
@Suite struct TableFormatterTests {
    @Test func tableLayoutMatchesCqlsh() {
        let output = TableFormatter.result(header: ["k", "name"], rows: [["1", "alice"], ["22", "bo"]])
        #expect(output == "\n k  | name\n----+-------\n  1 | alice\n 22 |    bo\n\n(2 rows)\n")
    }

    @Test func emptyResultStillHasItsHeader() {
        #expect(TableFormatter.result(header: ["key", "value"], rows: []) == "\n key | value\n-----+-------\n\n(0 rows)\n")
    }

    @Test func scalarValues() {
        let format = { (value: CQLValue?) in CQLValueFormatter.format(value) }
        #expect(format(nil) == "null")
        #expect(format(.text("it's")) == "it's")
        #expect(format(.int(-5)) == "-5")
        #expect(format(.boolean(true)) == "True")
        #expect(format(.blob([0x00, 0xAB, 0x10])) == "0x00ab10")
        #expect(format(.uuid(CQLUUID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)))
            == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(format(.timestamp(1_704_164_645_000)) == "2024-01-02 03:04:05.000000+0000")
        #expect(format(.timestamp(-1)) == "1969-12-31 23:59:59.999000+0000")
        #expect(format(.date(19_724)) == "2024-01-02")
        #expect(format(.time(3_723_000_000_123)) == "01:02:03.000000123")
        #expect(format(.inet([10, 0, 0, 1])) == "10.0.0.1")
        #expect(format(.inet([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])) == "2001:db8::1")
        #expect(format(.double(1.5)) == "1.5")
        #expect(format(.double(3.14159265)) == "3.14159")
        #expect(format(.double(2)) == "2")
        #expect(format(.double(1e20)) == "1e+20")
        #expect(format(.float(0.25)) == "0.25")
        #expect(format(.decimal(CQLDecimal(scale: 2, unscaled: CQLVarint(-12345)))) == "-123.45")
        #expect(format(.decimal(CQLDecimal(scale: 3, unscaled: CQLVarint(5)))) == "0.005")
        #expect(format(.varint(CQLVarint(123_456_789_012)))  == "123456789012")
        #expect(format(.duration(CQLDuration(months: 14, days: 3, nanoseconds: 3_600_000_000_001))) == "1y2mo3d1h1ns")
    }

    @Test func collectionsQuoteTheirText() {
        #expect(CQLValueFormatter.format(.map([CQLMapEntry(key: .text("a"), value: .int(1))])) == "{'a': 1}")
        #expect(CQLValueFormatter.format(.list([.int(1), .int(2)])) == "[1, 2]")
        #expect(CQLValueFormatter.format(.set([.text("x'y")])) == "{'x''y'}")
        #expect(CQLValueFormatter.format(.tuple([.int(1), nil, .text("b")])) == "(1, null, 'b')")
        let address = CQLDataType.udt(keyspace: "ks", name: "address",
                                      fields: [CQLUDTField(name: "city", type: .text), CQLUDTField(name: "zip", type: .int)])
        #expect(CQLValueFormatter.format(.udt([.text("Paris"), .int(75001)]), type: address) == "{city: 'Paris', zip: 75001}")
    }

    @Test func rowsRenderThroughTheirColumnTypes() {
        let columns = ResultColumns(specifications: [
            ColumnSpecification(keyspace: "ks", table: "t", name: "k", type: .int),
            ColumnSpecification(keyspace: "ks", table: "t", name: "tags", type: .set(.varchar)),
        ])
        let rows = [Row(columns: columns, values: [.int(1), .set([.text("a"), .text("b")])]),
                    Row(columns: columns, values: [.int(2), nil])]
        #expect(ResultTable.render(rows, columns: columns)
            == "\n k | tags\n---+------------\n 1 | {'a', 'b'}\n 2 |       null\n\n(2 rows)\n")
    }
}
