import Foundation
import KVCore
import Testing
@testable import LSMStore

/// Compaction through the public engine API: file counts, data kept, tombstones purged.
@Suite struct CompactionTests {
    static let id = TableID(high: 0xC0, low: 0xC0)

    static func sumOfStatistics(_ table: LSMTable) -> SSTableStatistics {
        var total = SSTableStatistics()
        for file in table.version.allSSTables {
            let statistics = file.statistics
            total.entryCount += statistics.entryCount
            total.cellTombstoneCount += statistics.cellTombstoneCount
            total.rowDeletionCount += statistics.rowDeletionCount
            total.rangeTombstoneCount += statistics.rangeTombstoneCount
            total.partitionDeletionCount += statistics.partitionDeletionCount
            total.expiringCellCount += statistics.expiringCellCount
        }
        return total
    }

    static func tombstoneCount(_ statistics: SSTableStatistics) -> Int {
        statistics.cellTombstoneCount + statistics.rowDeletionCount + statistics.rangeTombstoneCount
            + statistics.partitionDeletionCount
    }

    /// `batches` flushes of `perBatch` rows each, over partitions that repeat across batches.
    static func writeBatches(_ table: LSMTable, batches: Int, perBatch: Int, valueBytes: Int = 50) throws {
        for batch in 0..<batches {
            for index in 0..<perBatch {
                let number = (batch * perBatch + index * 7) % (batches * perBatch / 2)
                try table.apply(EngineRows.update(number, clustering: [UInt8(batch)], timestamp: Int64(batch + 1), valueBytes: valueBytes))
            }
            try table.flush()
        }
    }

    @Test func sizeTieredCompactionMergesSimilarFilesAndKeepsAllData() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id, options: TableOptions(compaction: .sizeTiered(minThreshold: 4, maxThreshold: 32)))
        try Self.writeBatches(table, batches: 3, perBatch: 100)
        usleep(50_000)
        #expect(table.version.allSSTables.count == 3, "below min_threshold nothing compacts")
        let before = EngineRows.flat(try EngineRows.scan(table))
        try Self.writeBatches(table, batches: 1, perBatch: 100)
        let expected = EngineRows.flat(try EngineRows.scan(table))
        #expect(expected.count > before.count)
        #expect(EngineTestHarness.eventually { table.version.allSSTables.count == 1 },
                "files: \(table.version.allSSTables.count)")
        #expect(EngineRows.flat(try EngineRows.scan(table)) == expected)
        try harness.reopen()
        #expect(EngineRows.flat(try EngineRows.scan(try harness.table(Self.id))) == expected)
        #expect(harness.sstableNames(of: Self.id).count == 1, "compacted-away files are deleted")
    }

    @Test func majorCompactionLeavesOneFileWithTheSameRows() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id, options: TableOptions(compaction: .sizeTiered(minThreshold: 32)))
        try Self.writeBatches(table, batches: 5, perBatch: 80)
        try table.apply(EngineRows.update(1_000))  // memtable only: compact() flushes first
        let before = EngineRows.flat(try EngineRows.scan(table))
        #expect(table.version.allSSTables.count == 5)
        try table.compact()
        #expect(table.version.allSSTables.count == 1)
        #expect(EngineRows.flat(try EngineRows.scan(table)) == before)
        for (key, row) in before {
            let parts = try #require(RowKey.decode(key))
            #expect(try table.read(partition: parts.partition, clustering: parts.clustering) == row)
        }
        #expect(EngineTestHarness.eventually { harness.sstableNames(of: Self.id).count == 1 })
    }

    @Test func leveledCompactionKeepsLevelsSortedAndDisjointAndAllData() throws {
        let harness = try EngineTestHarness(options: EngineTestHarness.options(memtableSizeBytes: 16 << 10))
        let strategy = CompactionStrategy.leveled(targetFileSizeBytes: 4 << 10, levelOneSizeBytes: 16 << 10,
                                                  fanout: 2, levelZeroTrigger: 2)
        var options = TableOptions(compaction: strategy)
        options.sstable.blockSizeBytes = 1 << 10
        let table = try harness.store.createTable(Self.id, options: options)
        var expected: [[UInt8]: Row] = [:]
        let random = SeededRandomSource(seed: 101)
        for step in 0..<1_500 {
            let number = random.next(in: 0..<400)
            let update = EngineRows.update(number, clustering: [UInt8(step % 3)], timestamp: Int64(step + 1), valueBytes: 40)
            try table.apply(update)
            expected[RowKey.encode(partition: update.partitionKey, clustering: update.rows[0].clustering)] = update.rows[0]
            if step % 150 == 149 { try table.flush() }
        }
        try table.flush()
        // Until background compaction has nothing left to do: a level 1 over its size has
        // yet to move data down, whatever the host's speed.
        #expect(EngineTestHarness.eventually(timeoutSeconds: 60) {
            CompactionPicker.pick(levels: table.version.levels, strategy: strategy, cursors: [:]) == nil
        })
        #expect(EngineTestHarness.eventually { Self.levelsAreWellFormed(table.version.levels) })
        let levels = table.version.levels
        #expect(levels.count > 2, "data reached level 2 or deeper: \(levels.map(\.count))")
        #expect(EngineRows.flat(try EngineRows.scan(table)) == expected)
        // A major compaction puts everything in the deepest level.
        try table.compact()
        let compacted = table.version.levels
        #expect(compacted[0].isEmpty && compacted.dropLast().allSatisfy(\.isEmpty), "\(compacted.map(\.count))")
        #expect(Self.levelsAreWellFormed(compacted))
        #expect(EngineRows.flat(try EngineRows.scan(table)) == expected)
        try harness.reopen()
        let reopened = try harness.table(Self.id)
        #expect(Self.levelsAreWellFormed(reopened.version.levels))
        #expect(EngineRows.flat(try EngineRows.scan(reopened)) == expected)
        for (key, row) in expected.prefix(100) {
            let parts = try #require(RowKey.decode(key))
            #expect(try reopened.read(partition: parts.partition, clustering: parts.clustering) == row)
        }
    }

    /// Levels 1+ are sorted by key and no two files share a partition.
    static func levelsAreWellFormed(_ levels: [[SSTableHandle]]) -> Bool {
        levels.dropFirst().allSatisfy { files in
            zip(files, files.dropFirst()).allSatisfy { left, right in
                compareBytes(left.partitionsEnd, right.firstPartition) <= 0
            }
        }
    }

    @Test func tombstonesArePurgedAfterGcGraceAndDeletedDataStaysDeleted() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id, options: TableOptions(gcGraceSeconds: 100))
        let now = harness.clock.nowSeconds()
        for number in 0..<40 {
            try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(number), rows: (0..<4).map { clustering in
                EngineRows.row(number, clustering: [UInt8(clustering)], timestamp: 10)
            }))
        }
        try table.flush()
        // Deletions of every kind, at timestamp 20.
        let deletion = DeletionTime(timestamp: 20, localSeconds: now)
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(0), partitionDeletion: deletion))
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(1), rangeTombstones: [
            RangeTombstone(start: ClusteringBound(prefix: [1], isInclusive: true), end: ClusteringBound(prefix: [2], isInclusive: true),
                           deletion: deletion),
        ]))
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(2), rows: [Row(clustering: [3], deletion: deletion)]))
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(3), rows: [
            Row(clustering: [0], cells: [.tombstone(column: 1, timestamp: 20, nowSeconds: now),
                                         .tombstone(column: 2, timestamp: 20, nowSeconds: now)]),
        ]))
        // A partition deletion for a partition that has no rows at all.
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(999), partitionDeletion: deletion))
        try table.flush()
        let expected = EngineRows.flat(try EngineRows.scan(table))
        #expect(expected.count == 160 - 4 - 2 - 1 - 1)

        // Within gc grace, compaction keeps the tombstones (they still shadow the data).
        harness.clock.advance(micros: 100_000_000)
        try table.compact()
        #expect(Self.tombstoneCount(Self.sumOfStatistics(table)) > 0)
        #expect(EngineRows.flat(try EngineRows.scan(table)) == expected)

        // Past gc grace they go, and the deleted rows with them.
        harness.clock.advance(micros: 1_000_000)
        try table.compact()
        let statistics = Self.sumOfStatistics(table)
        #expect(Self.tombstoneCount(statistics) == 0, "\(statistics)")
        #expect(table.version.allSSTables.allSatisfy { $0.statistics.minLocalDeletionSeconds == .max })
        #expect(statistics.entryCount == expected.count)
        #expect(EngineRows.flat(try EngineRows.scan(table)) == expected)
        #expect(try table.read(partition: EngineRows.partition(0), clustering: [0]) == nil)
        #expect(try table.readMerged(partition: EngineRows.partition(0), clustering: [0]) == nil)
        #expect(try table.read(partition: EngineRows.partition(1), clustering: [2]) == nil)
        #expect(try table.read(partition: EngineRows.partition(2), clustering: [3]) == nil)
        #expect(try table.readMerged(partition: EngineRows.partition(3), clustering: [0]) == nil)
        try harness.reopen()
        #expect(EngineRows.flat(try EngineRows.scan(try harness.table(Self.id))) == expected)
    }

    /// A tombstone past gc grace must stay while older data it shadows lives outside the
    /// compaction (here: in the memtable), or that data would come back.
    @Test func tombstonesShadowingDataOutsideTheCompactionAreKept() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id, options: TableOptions(compaction: .sizeTiered(minThreshold: 2),
                                                                                 gcGraceSeconds: 0))
        let key = EngineRows.partition(1)
        try table.apply(PartitionUpdate(partitionKey: key, partitionDeletion: DeletionTime(timestamp: 50, localSeconds: harness.clock.nowSeconds())))
        try table.flush()
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(2), rows: [EngineRows.row(2)]))
        try table.flush()
        // Older data (timestamp 10) arrives late and stays in the memtable.
        try table.apply(PartitionUpdate(partitionKey: key, rows: [EngineRows.row(1, timestamp: 10)]))
        harness.clock.advance(micros: 10_000_000)
        #expect(EngineTestHarness.eventually { table.version.allSSTables.count == 1 })
        #expect(try table.read(partition: key, clustering: []) == nil, "the partition deletion still shadows the late row")
        try table.flush()
        #expect(try table.read(partition: key, clustering: []) == nil)
        try table.compact()
        #expect(try table.read(partition: key, clustering: []) == nil)
        #expect(try EngineRows.scan(table).map(\.partition) == [EngineRows.partition(2)])
    }

    @Test func overwrittenVersionsAreDroppedByCompaction() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        for version in 1...5 {
            for number in 0..<50 { try table.apply(EngineRows.update(number, timestamp: Int64(version))) }
            try table.flush()
        }
        try table.compact()
        let statistics = Self.sumOfStatistics(table)
        #expect(statistics.entryCount == 50)
        #expect(try table.read(partition: EngineRows.partition(3), clustering: []) == EngineRows.row(3, timestamp: 5))
    }
}
