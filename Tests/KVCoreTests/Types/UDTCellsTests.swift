import KVCore
import Testing

/// Non-frozen UDTs as field cells: splitting a value into fields (nulls kept), assembling a
/// value from field cells, and null when no field is live.
@Suite struct UDTCellsTests {
    static let type = CQLDataType.udt(keyspace: "ks", name: "address", fields: [
        CQLUDTField(name: "city", type: .text), CQLUDTField(name: "zip", type: .int), CQLUDTField(name: "note", type: .text),
    ])

    @Test func fieldsKeepNullsAndStopWhereTheValueStops() throws {
        let value = try CQLValue.udt([.text("Paris"), nil]).serialize(as: Self.type)
        #expect(UDTCells.fields(value) == [Array("Paris".utf8), nil])
        #expect(UDTCells.fields([0, 0, 0, 9]) == nil, "a length past the end is malformed")
    }

    @Test func valueFromFieldCellsHasEveryDeclaredField() throws {
        let cells = [
            Cell.live(column: 3, path: UDTCells.path(fieldIndex: 1), timestamp: 1, value: try CQLValue.int(75001).serialize(as: .int)),
            Cell.live(column: 3, path: UDTCells.path(fieldIndex: 7), timestamp: 1, value: [1]),
        ]
        let bytes = try #require(CollectionCells.value(of: cells, type: Self.type))
        #expect(try CQLValue.deserialize(bytes, as: Self.type) == .udt([nil, .int(75001), nil]))
    }

    @Test func noLiveFieldReadsAsNull() {
        #expect(UDTCells.value(of: [Cell](), fieldCount: 3) == nil)
        #expect(CollectionCells.isMultiCell(Self.type))
        #expect(!CollectionCells.isMultiCell(.frozen(Self.type)))
    }

    @Test func pathsOrderAsFields() {
        #expect(UDTCells.path(fieldIndex: 2).lexicographicallyPrecedes(UDTCells.path(fieldIndex: 10)))
        #expect(UDTCells.fieldIndex(fromPath: UDTCells.path(fieldIndex: 300)) == 300)
        #expect(UDTCells.fieldIndex(fromPath: [1]) == nil)
    }
}
