import Foundation
import KVCore
import Testing
@testable import LSMStore

/// Reads, scans, deletions and TTL of one table, over memtables and SSTables.
@Suite struct LSMTableTests {
    static let id = TableID(high: 0x7AB1E, low: 1)

    /// Partition keys chosen to stress the packing: empty, zero bytes, prefixes of each other.
    static let trickyPartitions: [[UInt8]] = [[], [0], [0, 0], [0, 1], [1], [1, 0], [1, 0, 0], [1, 1], [1, 0xFF], [2], [0xFF]]

    static func cell(_ value: UInt8, timestamp: Int64 = 1) -> Cell { .live(column: 1, timestamp: timestamp, value: [value]) }

    /// Writes three rows into every tricky partition; half the partitions are flushed first.
    static func fillTrickyPartitions(_ table: LSMTable) throws {
        for (index, partition) in trickyPartitions.enumerated() {
            let rows = [[], [0], [5, 5]].map { clustering in Row(clustering: clustering, cells: [cell(UInt8(index))]) }
            try table.apply(PartitionUpdate(partitionKey: partition, rows: rows))
            if index == trickyPartitions.count / 2 { try table.flush() }
        }
    }

    @Test func readReconcilesFragmentsFromMemtablesAndSSTables() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let key = EngineRows.partition(1)
        try table.apply(PartitionUpdate(partitionKey: key, rows: [Row(clustering: [1], cells: [
            .live(column: 1, timestamp: 10, value: [1]), .live(column: 2, timestamp: 10, value: [2]),
        ])]))
        try table.flush()
        try table.apply(PartitionUpdate(partitionKey: key, rows: [Row(clustering: [1], cells: [
            .live(column: 1, timestamp: 5, value: [9]), .tombstone(column: 2, timestamp: 11, nowSeconds: harness.clock.nowSeconds()),
            .live(column: 3, timestamp: 1, value: [3]),
        ])]))
        let row = try #require(try table.read(partition: key, clustering: [1]))
        #expect(row.cells == [.live(column: 1, timestamp: 10, value: [1]), .live(column: 3, timestamp: 1, value: [3])])
        #expect(row.deletion == nil)
        let merged = try #require(try table.readMerged(partition: key, clustering: [1]))
        #expect(merged.cells.map(\.column) == [1, 2, 3] && merged.cells[1].kind == .tombstone, "readMerged keeps tombstones")
        #expect(try table.read(partition: key, clustering: [2]) == nil)
        #expect(try table.readMerged(partition: key, clustering: [2]) == nil)
        #expect(try table.read(partition: EngineRows.partition(2), clustering: [1]) == nil)
    }

    @Test func partitionRowAndRangeDeletionsShadowOlderWritesOnly() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let key = EngineRows.partition(7)
        let now = harness.clock.nowSeconds()
        let rows = (0..<6).map { Row(clustering: [UInt8($0)], cells: [Self.cell(UInt8($0), timestamp: 10)]) }
        try table.apply(PartitionUpdate(partitionKey: key, rows: rows))
        try table.flush()
        // Range [1, 3) at 20, row 4 at 20, and a partition deletion at 5 (older than everything).
        try table.apply(PartitionUpdate(partitionKey: key, partitionDeletion: DeletionTime(timestamp: 5, localSeconds: now),
                                        rangeTombstones: [RangeTombstone(start: ClusteringBound(prefix: [1], isInclusive: true),
                                                                         end: ClusteringBound(prefix: [3], isInclusive: false),
                                                                         deletion: DeletionTime(timestamp: 20, localSeconds: now))],
                                        rows: [Row(clustering: [4], deletion: DeletionTime(timestamp: 20, localSeconds: now))]))
        // A newer write inside the deleted range survives.
        try table.apply(PartitionUpdate(partitionKey: key, rows: [Row(clustering: [2], cells: [.live(column: 2, timestamp: 21, value: [])])]))
        let expectedClusterings: [[UInt8]] = [[0], [2], [3], [5]]
        for flushFirst in [false, true] {
            if flushFirst { try table.flush() }
            let scanned = try EngineRows.scan(table)
            #expect(scanned.map(\.row.clustering) == expectedClusterings, "flushed: \(flushFirst)")
            #expect(scanned[1].row.cells.map(\.column) == [2])
            for clustering in 0..<6 {
                let read = try table.read(partition: key, clustering: [UInt8(clustering)])
                #expect((read != nil) == expectedClusterings.contains([UInt8(clustering)]), "row \(clustering), flushed: \(flushFirst)")
            }
        }
        // A partition deletion newer than everything empties the partition.
        try table.apply(PartitionUpdate(partitionKey: key, partitionDeletion: DeletionTime(timestamp: 100, localSeconds: now)))
        #expect(try EngineRows.scan(table).isEmpty)
        #expect(try table.read(partition: key, clustering: [0]) == nil)
    }

    @Test func expiringCellsDisappearAtExpiryAndNeverComeBack() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id, options: TableOptions(gcGraceSeconds: 10))
        let key = EngineRows.partition(3)
        let start = harness.clock.nowSeconds()
        try table.apply(PartitionUpdate(partitionKey: key, rows: [Row(clustering: [], cells: [
            .live(column: 1, timestamp: 1, value: [1]),
            .expiring(column: 2, timestamp: 2, value: [2], ttlSeconds: 60, nowSeconds: start),
        ])]))
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(4), rows: [Row(clustering: [], cells: [
            .expiring(column: 1, timestamp: 2, value: [4], ttlSeconds: 60, nowSeconds: start),
        ])]))
        try table.flush()
        harness.clock.advance(micros: 59_000_000)
        #expect(try table.read(partition: key, clustering: [])?.cells.count == 2)
        #expect(try EngineRows.scan(table).count == 2)
        harness.clock.advance(micros: 1_000_000)
        #expect(try table.read(partition: key, clustering: [])?.cells.map(\.column) == [1])
        #expect(try table.read(partition: EngineRows.partition(4), clustering: []) == nil)
        #expect(try EngineRows.scan(table).map(\.partition) == [key])
        // Past gc grace, through compaction, reopen and replay: still gone.
        harness.clock.advance(micros: 3_600_000_000)
        try table.compact()
        #expect(try table.read(partition: key, clustering: [])?.cells.map(\.column) == [1])
        #expect(try table.read(partition: EngineRows.partition(4), clustering: []) == nil)
        try harness.reopen()
        let reopened = try harness.table(Self.id)
        #expect(try EngineRows.scan(reopened).map(\.row.cells.count) == [1])
        #expect(try reopened.readMerged(partition: EngineRows.partition(4), clustering: []) == nil, "purged")
    }

    @Test func expiredCellsInTheMemtableAreHiddenToo() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        try table.apply(PartitionUpdate(partitionKey: [1], rows: [Row(clustering: [], cells: [
            .expiring(column: 1, timestamp: 2, value: [2], ttlSeconds: 1, nowSeconds: harness.clock.nowSeconds()),
        ])]))
        #expect(try table.read(partition: [1], clustering: []) != nil)
        harness.clock.advance(micros: 1_000_000)
        #expect(try table.read(partition: [1], clustering: []) == nil)
        #expect(try EngineRows.scan(table).isEmpty)
        try harness.crashAndReopen()
        #expect(try EngineRows.scan(try harness.table(Self.id)).isEmpty)
    }

    @Test func scanOfOnePartitionReturnsExactlyItsRows() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        try Self.fillTrickyPartitions(table)
        for (index, partition) in Self.trickyPartitions.enumerated() {
            let rows = try EngineRows.scan(table, .partition(partition))
            #expect(rows.map(\.partition) == [[UInt8]](repeating: partition, count: 3), "partition \(partition)")
            #expect(rows.map(\.row.clustering) == [[], [0], [5, 5]])
            #expect(rows.allSatisfy { $0.row.cells == [Self.cell(UInt8(index))] })
        }
        #expect(try EngineRows.scan(table, .partition([3])).isEmpty)
        #expect(try EngineRows.scan(table, .partition([1, 0, 0, 0])).isEmpty)
    }

    @Test func scanOfAPartitionRangeIsHalfOpenInPartitionOrder() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        try Self.fillTrickyPartitions(table)
        let ordered = Self.trickyPartitions  // already in byte order
        #expect(ordered == ordered.sorted { $0.lexicographicallyPrecedes($1) })
        let all = try EngineRows.scan(table)
        #expect(all.map(\.partition) == ordered.flatMap { [$0, $0, $0] })
        for from in [nil] + ordered.map(Optional.some) {
            for to in [nil, [0, 0], [1, 0], [1, 0, 0], [0xFF], [0xFF, 0]] as [[UInt8]?] {
                let expected = ordered.filter { partition in
                    (from.map { !partition.lexicographicallyPrecedes($0) } ?? true)
                        && (to.map { partition.lexicographicallyPrecedes($0) } ?? true)
                }
                let scanned = try EngineRows.scan(table, .partitions(from: from, to: to))
                #expect(scanned.map(\.partition) == expected.flatMap { [$0, $0, $0] }, "from \(String(describing: from)) to \(String(describing: to))")
            }
        }
    }

    @Test func scannerSeekAndAccessors() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        try Self.fillTrickyPartitions(table)
        let scanner = try table.scan()
        #expect(try scanner.next())
        #expect(scanner.partitionKey == [] && scanner.clustering == [])
        try scanner.seek(partition: [1, 0])
        #expect(try scanner.next())
        #expect(scanner.partitionKey == [1, 0] && scanner.clustering == [])
        #expect(try scanner.next())
        #expect(scanner.partitionKey == [1, 0] && scanner.clustering == [0])
        #expect(Array(scanner.key) == RowKey.encode(partition: [1, 0], clustering: [0]))
        #expect(try scanner.row() == Row(clustering: [0], cells: [Self.cell(5)]))
        // Seeking backwards works, and to a partition that does not exist lands on the next one.
        try scanner.seek(partition: [0, 0, 5])
        #expect(try scanner.next())
        #expect(scanner.partitionKey == [0, 1])
        try scanner.seek(partition: [0xFF, 0])
        #expect(try !scanner.next())
        #expect(try !scanner.next())
        // Seeking within a bounded scan still stops at its end.
        let bounded = try table.scan(.partitions(from: [0], to: [1]))
        try bounded.seek(partition: [0, 1])
        var partitions: [[UInt8]] = []
        while try bounded.next() { partitions.append(bounded.partitionKey) }
        #expect(partitions == [[0, 1], [0, 1], [0, 1]])
    }

    @Test func aScanKeepsReadingFilesRemovedAfterItStarted() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        for number in 0..<10 { try table.apply(EngineRows.update(number)) }
        try table.flush()
        #expect(harness.sstableNames(of: Self.id).count == 1)
        do {
            let scanner = try table.scan()
            try harness.store.truncateTable(Self.id)
            #expect(try EngineRows.scan(table).isEmpty)
            var count = 0
            while try scanner.next() { count += 1 }
            #expect(count == 10, "the scan reads the snapshot it started with")
            #expect(harness.sstableNames(of: Self.id).count == 1, "the file stays while the scan holds it")
        }
        #expect(EngineTestHarness.eventually { harness.sstableNames(of: Self.id).isEmpty })
    }

    @Test func aFlippedBitInADataBlockIsReportedAsCorruptionNamingTheFile() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        for number in 0..<300 { try table.apply(EngineRows.update(number, valueBytes: 50)) }
        try table.flush()
        let names = harness.sstableNames(of: Self.id)
        #expect(names.count == 1)
        let path = joinPath(EngineTestHarness.dataDirectory, try #require(names.first))
        let dataBytes = try #require(table.version.allSSTables.first).statistics.dataSizeBytes
        let random = SeededRandomSource(seed: 91)
        for trial in 0..<6 {
            let offset = trial == 0 ? 0 : random.next(in: 0..<dataBytes)
            let mask = UInt8(1 << random.next(in: 0..<8))
            try harness.fileSystem.corrupt(path, at: offset, xor: mask)
            try harness.reopen()  // an empty block cache
            let damaged = try harness.table(Self.id)
            do {
                _ = try EngineRows.scan(damaged)
                Issue.record("scan of a damaged file succeeded (offset \(offset))")
            } catch let error as StoreError {
                #expect(error.corruptionLocation?.file == path, "offset \(offset): \(error)")
            }
            var corruptReads = 0
            for number in 0..<300 {
                do {
                    let row = try damaged.read(partition: EngineRows.partition(number), clustering: [])
                    #expect(row == EngineRows.row(number, valueBytes: 50), "wrong data for row \(number), offset \(offset)")
                } catch let error as StoreError {
                    #expect(error.corruptionLocation?.file == path, "\(error)")
                    corruptReads += 1
                }
            }
            #expect(corruptReads > 0, "some read must hit the damaged block (offset \(offset))")
            try harness.fileSystem.corrupt(path, at: offset, xor: mask)  // undo for the next trial
        }
    }

    /// A key too large for an SSTable (over 1 MiB packed) is bad input: it must be refused
    /// with a clear error, not accepted and then fail the flush, which stops the store.
    @Test func anOversizedKeyIsRefusedWithoutStoppingTheStore() throws {
        let harness = try EngineTestHarness(options: EngineTestHarness.options(memtableSizeBytes: 8 << 20))
        let table = try harness.store.createTable(Self.id)
        let hugeKey = [UInt8](repeating: 0x41, count: (1 << 20) + 1)
        do {
            try table.apply(PartitionUpdate(partitionKey: hugeKey, rows: [Row(clustering: [], cells: [Self.cell(1)])]))
        } catch let error as StoreError {
            #expect(error.isInvalidArgument, "\(error)")
        }
        try table.apply(EngineRows.update(1))
        do {
            try table.flush()
        } catch {
            Issue.record("flush failed after an oversized key was accepted: \(error)")
        }
        #expect(!harness.store.context.hasFailed)
        try table.apply(EngineRows.update(2))
        #expect(try table.read(partition: EngineRows.partition(1), clustering: []) == EngineRows.row(1))
    }
}
