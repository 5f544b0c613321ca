import KVCore
import Testing
@testable import LSMStore

/// Filtered scans skip SSTable blocks that cannot match, and stay exact when a newer
/// fragment of a row lives in another source.
@Suite struct BlockSkippingTests {
    static let table = TableID(high: 9, low: 9)
    static let scoreColumn: UInt32 = 2

    private func openTable() throws -> (LSMStore, LSMTable) {
        let store = try LSMStore.open(directory: "/db", fileSystem: SimulatedFileSystem(), clock: ManualClock())
        var options = TableOptions()
        options.sstable.blockSizeBytes = 512
        options.sstable.columnOrderings = [Self.scoreColumn: .signedInteger]
        return (store, try store.createTable(Self.table, options: options))
    }

    private func key(_ index: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(index).bigEndian) { Array($0) } }
    private func score(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    private func write(_ table: LSMTable, index: Int, score value: Int32, timestamp: Int64) throws {
        try table.apply(PartitionUpdate(partitionKey: key(index), rows: [Row(clustering: [], cells: [
            .live(column: Self.scoreColumn, timestamp: timestamp, value: score(value)),
        ])]))
    }

    /// Rows whose score is at least `minimum`, by partition key, scanning with or without pruning.
    private func matching(_ table: LSMTable, minimum: Int32, prune: Bool) throws -> (keys: [[UInt8]], skipped: Int) {
        let lower = ValueOrdering.signedInteger.sortKey(score(minimum))
        let predicate: @Sendable (BlockStatistics) -> Bool = { statistics in
            statistics.columns[Self.scoreColumn]?.mayContain(sortKeysFrom: lower, through: nil) ?? true
        }
        let scanner = try table.scan(.all, blocksMayMatch: prune ? predicate : nil)
        var keys: [[UInt8]] = []
        while try scanner.next() {
            let cell = try scanner.row().cells.first { $0.column == Self.scoreColumn }
            if let cell, Int32(bigEndian: cell.value.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }) >= minimum {
                keys.append(scanner.partitionKey)
            }
        }
        return (keys, scanner.blocksSkipped)
    }

    @Test func skipsBlocksThatCannotMatch() throws {
        let (store, table) = try openTable()
        defer { try? store.close() }
        for index in 0..<2000 { try write(table, index: index, score: Int32(index), timestamp: 1) }
        try table.compact()
        let pruned = try matching(table, minimum: 1900, prune: true)
        let full = try matching(table, minimum: 1900, prune: false)
        #expect(pruned.keys == full.keys)
        #expect(pruned.keys.count == 100)
        #expect(pruned.skipped > 0)
        #expect(full.skipped == 0)
    }

    @Test func aNewerFragmentElsewhereKeepsItsBlock() throws {
        let (store, table) = try openTable()
        defer { try? store.close() }
        for index in 0..<2000 { try write(table, index: index, score: Int32(index), timestamp: 1) }
        try table.compact()
        // Row 5 now scores 1950, in the memtable only: its old block cannot match by its
        // statistics, but must still be read.
        try write(table, index: 5, score: 1950, timestamp: 2)
        let pruned = try matching(table, minimum: 1900, prune: true)
        #expect(pruned.keys.contains(key(5)))
        #expect(pruned.keys == (try matching(table, minimum: 1900, prune: false)).keys)
        #expect(pruned.skipped > 0)
    }
}
