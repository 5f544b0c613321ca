import KVCore
import Testing

@Suite struct CollectionCellsTests {
    static func serialized(_ value: CQLValue, _ type: CQLDataType) throws -> [UInt8] {
        try value.serialize(as: type)
    }

    @Test func mapElementsRoundTripInKeyOrder() throws {
        let type = CQLDataType.map(.int, .text)
        let value = try Self.serialized(.map([
            CQLMapEntry(key: .int(5), value: .text("five")), CQLMapEntry(key: .int(-3), value: .text("minus")),
            CQLMapEntry(key: .int(0), value: .text("")),
        ]), type)
        let entries = try #require(CollectionCells.entries(value, of: type))
        var cells: [Cell] = []
        for entry in entries {
            cells.append(.live(column: 1, path: try CollectionCells.keyPath(entry.key, type: .int), timestamp: 1, value: entry.value))
        }
        cells.sort(by: Cell.identityPrecedes)
        let assembled = try #require(CollectionCells.value(of: cells, type: type))
        #expect(try CQLValue.deserialize(assembled, as: type)
            == .map([
                CQLMapEntry(key: .int(-3), value: .text("minus")), CQLMapEntry(key: .int(0), value: .text("")),
                CQLMapEntry(key: .int(5), value: .text("five")),
            ]))
    }

    @Test func setElementPathsAreNeverEmptyAndDecode() throws {
        for element: [UInt8] in [[], [0], Array("tag".utf8)] {
            let path = try CollectionCells.keyPath(element, type: .text)
            #expect(!path.isEmpty, "an empty path is the column tombstone's")
            #expect(try CollectionCells.key(fromPath: path, type: .text) == element)
        }
    }

    @Test func noLiveElementsIsNull() {
        #expect(CollectionCells.value(of: [Cell](), type: .set(.int)) == nil)
    }

    @Test func listCellIDsOrderPrependsBeforeAppendsAndLaterPrependsFirst() {
        let appendEarly = ListCellID.ids(count: 2, timestamp: 100, prepend: false, statement: 0, uniquifier: 7).map(\.path)
        let appendLate = ListCellID.ids(count: 1, timestamp: 200, prepend: false, statement: 0, uniquifier: 1).map(\.path)
        let sameTimeLaterStatement = ListCellID.ids(count: 2, timestamp: 200, prepend: false, statement: 1, uniquifier: 1)
            .map(\.path)
        let prependEarly = ListCellID.ids(count: 2, timestamp: 300, prepend: true, statement: 0, uniquifier: 9).map(\.path)
        let prependLate = ListCellID.ids(count: 1, timestamp: 400, prepend: true, statement: 0, uniquifier: 0).map(\.path)
        let expected = prependLate + prependEarly + appendEarly + appendLate + sameTimeLaterStatement
        #expect(expected.sorted { $0.lexicographicallyPrecedes($1) } == expected)
        #expect(Set(expected).count == expected.count)
    }

    @Test func malformedCollectionBytesHaveNoEntries() {
        #expect(CollectionCells.entries([0, 0, 0, 2, 0, 0, 0, 1, 7], of: .list(.tinyint)) == nil)
        #expect(CollectionCells.entries([0, 0, 0, 1, 0, 0, 0, 1, 7], of: .int) == nil)
    }
}
