import KVCore
import Testing

@Suite struct RowTests {
    /// A fragment of row [7] with a few of columns 1...4 (some with paths) and maybe a deletion.
    static func randomFragment(_ random: any RandomSource) -> Row {
        var cells: [Cell] = []
        for _ in 0..<random.next(in: 0..<6) {
            let path: [UInt8] = random.next(in: 0..<3) == 0 ? [UInt8(random.next(in: 0..<2))] : []
            cells.append(CellSamples.random(random, column: UInt32(random.next(in: 1..<5)), path: path))
        }
        let deletion = random.next(in: 0..<4) == 0
            ? DeletionTime(timestamp: Int64(random.next(in: 0..<4)), localSeconds: Int64(random.next(in: 0..<2))) : nil
        return Row(clustering: [7], deletion: deletion, unsortedCells: cells)
    }

    static func isSortedByIdentity(_ row: Row) -> Bool {
        zip(row.cells, row.cells.dropFirst()).allSatisfy { Cell.identityPrecedes($0, $1) }
    }

    static func merged(_ rows: Row...) -> Row {
        var result = rows[0]
        for row in rows.dropFirst() { result.merge(row) }
        return result
    }

    @Test func unsortedCellsAreSortedAndReconciled() {
        let row = Row(clustering: [1], unsortedCells: [
            .live(column: 3, timestamp: 1, value: [1]),
            .live(column: 1, timestamp: 5, value: [2]),
            .live(column: 3, timestamp: 2, value: [3]),
            .live(column: 1, timestamp: 4, value: [4]),
        ])
        #expect(row.cells == [.live(column: 1, timestamp: 5, value: [2]), .live(column: 3, timestamp: 2, value: [3])])
    }

    @Test func mergeReconcilesEachCellAndKeepsIdentityOrder() {
        var left = Row(clustering: [1], cells: [.live(column: 1, timestamp: 1, value: [1]),
                                                 .live(column: 3, timestamp: 9, value: [3])])
        let right = Row(clustering: [1], deletion: DeletionTime(timestamp: 2, localSeconds: 0),
                        cells: [.live(column: 2, timestamp: 1, value: [2]), .tombstone(column: 3, timestamp: 9, nowSeconds: 0)])
        left.merge(right)
        #expect(left.cells.map(\.column) == [1, 2, 3])
        #expect(left.cells[2].kind == .tombstone)
        #expect(left.deletion == DeletionTime(timestamp: 2, localSeconds: 0))
        // merge does not apply the deletion: that is removeShadowed's job.
        #expect(left.cells.count == 3)
    }

    @Test func mergeIsCommutativeOverRandomFragments() {
        let random = SeededRandomSource(seed: 21)
        for _ in 0..<2_000 {
            let a = Self.randomFragment(random), b = Self.randomFragment(random)
            let ab = Self.merged(a, b), ba = Self.merged(b, a)
            #expect(ab == ba)
            #expect(Self.isSortedByIdentity(ab))
            // The same as building one fragment from all the cells.
            #expect(ab.cells == Row(clustering: [7], unsortedCells: a.cells + b.cells).cells)
        }
    }

    @Test func mergeIsAssociativeOverRandomFragments() {
        let random = SeededRandomSource(seed: 22)
        for _ in 0..<2_000 {
            let a = Self.randomFragment(random), b = Self.randomFragment(random), c = Self.randomFragment(random)
            let left = Self.merged(Self.merged(a, b), c)
            let right = Self.merged(a, Self.merged(b, c))
            #expect(left == right)
            #expect(Self.isSortedByIdentity(left))
        }
    }

    @Test func removeShadowedDropsCellsAtOrBeforeTheLatestDeletion() {
        var row = Row(clustering: [], deletion: DeletionTime(timestamp: 5, localSeconds: 0), cells: [
            .live(column: 1, timestamp: 4, value: []), .live(column: 2, timestamp: 5, value: []),
            .live(column: 3, timestamp: 6, value: []), .live(column: 4, timestamp: 8, value: []),
        ])
        var outerWins = row
        row.removeShadowed(by: nil)
        #expect(row.cells.map(\.column) == [3, 4])
        outerWins.removeShadowed(by: DeletionTime(timestamp: 6, localSeconds: 0))
        #expect(outerWins.cells.map(\.column) == [4])
        var older = Row(clustering: [], deletion: DeletionTime(timestamp: 5, localSeconds: 0),
                        cells: [.live(column: 3, timestamp: 6, value: [])])
        older.removeShadowed(by: DeletionTime(timestamp: 1, localSeconds: 0))
        #expect(older.cells.count == 1, "the row's own, later deletion applies; an older outer one does not")
        var untouched = Row(clustering: [], cells: [.live(column: 3, timestamp: 6, value: [])])
        untouched.removeShadowed(by: nil)
        #expect(untouched.cells.count == 1)
    }

    @Test func columnTombstoneShadowsOnlyOlderElementsOfItsColumn() {
        var row = Row(clustering: [], unsortedCells: [
            .tombstone(column: 2, timestamp: 10, nowSeconds: 0),
            .live(column: 2, path: [1], timestamp: 9, value: [1]),
            .live(column: 2, path: [2], timestamp: 10, value: [2]),
            .live(column: 2, path: [3], timestamp: 11, value: [3]),
            .live(column: 1, path: [1], timestamp: 5, value: [4]),
            .live(column: 3, path: [1], timestamp: 5, value: [5]),
            .live(column: 3, timestamp: 5, value: [6]),
        ])
        row.removeShadowed(by: nil)
        #expect(row.cells.map(\.value) == [[4], [], [3], [6], [5]],
                "column 2's elements at or before 10 go, its tombstone stays; columns 1 and 3 keep theirs")
        var live = Row(clustering: [], unsortedCells: [
            .live(column: 2, timestamp: 20, value: [9]), .live(column: 2, path: [1], timestamp: 1, value: [1]),
        ])
        live.removeShadowed(by: nil)
        #expect(live.cells.count == 2, "only a tombstone deletes elements")
    }

    @Test func liveDataAndMaxTimestamp() {
        let row = Row(clustering: [], deletion: DeletionTime(timestamp: 50, localSeconds: 0), cells: [
            .tombstone(column: 1, timestamp: 30, nowSeconds: 0),
            .expiring(column: 2, timestamp: 20, value: [], ttlSeconds: 10, nowSeconds: 100),
        ])
        #expect(row.hasLiveData(nowSeconds: 109))
        #expect(!row.hasLiveData(nowSeconds: 110))
        #expect(row.maxTimestamp == 50)
        #expect(Row().maxTimestamp == nil)
        #expect(Row(cells: [.live(column: 1, timestamp: -3, value: [])]).maxTimestamp == -3)
    }
}
