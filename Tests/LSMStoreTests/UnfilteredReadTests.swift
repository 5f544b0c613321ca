import KVCore
import Testing
@testable import LSMStore

/// `LSMTable.readUnfiltered`: reconciled contents with deletions kept, limits and paging.
@Suite struct UnfilteredReadTests {
    static let id = TableID(high: 0x0F17, low: 1)

    static func cell(_ column: UInt32, _ value: UInt8, timestamp: Int64) -> Cell {
        .live(column: column, timestamp: timestamp, value: [value])
    }

    static func deletion(_ timestamp: Int64, _ harness: EngineTestHarness) -> DeletionTime {
        DeletionTime(timestamp: timestamp, localSeconds: harness.clock.nowSeconds())
    }

    static func bound(_ prefix: [UInt8], inclusive: Bool) -> ClusteringBound {
        ClusteringBound(prefix: prefix, isInclusive: inclusive)
    }

    /// Reads the whole range page by page and joins the pages (a partition cut between
    /// pages is joined back), checking that every page but the last says it is not exhausted.
    static func readPaged(_ table: LSMTable, _ range: ScanRange, limits: UnfilteredReadLimits,
                          maxPages: Int = 10_000) throws -> (partitions: [PartitionUpdate], pages: Int) {
        var joined: [PartitionUpdate] = []
        var next: ScanRange? = range
        var pages = 0
        while let current = next, pages < maxPages {
            let page = try table.readUnfiltered(current, limits: limits)
            pages += 1
            for partition in page.partitions {
                if var last = joined.last, last.partitionKey == partition.partitionKey {
                    #expect(last.partitionDeletion == partition.partitionDeletion, "a resumed partition repeats its deletion")
                    last.rows.append(contentsOf: partition.rows)
                    last.rangeTombstones.append(contentsOf: partition.rangeTombstones.filter { !last.rangeTombstones.contains($0) })
                    joined[joined.count - 1] = last
                } else {
                    joined.append(partition)
                }
            }
            next = page.remainder(of: current)
        }
        return (joined, pages)
    }

    /// The live view of an unfiltered answer: what `scan()` must return.
    static func liveView(_ partitions: [PartitionUpdate], nowSeconds: Int64) -> [(partition: [UInt8], row: Row)] {
        var result: [(partition: [UInt8], row: Row)] = []
        for partition in partitions {
            let tombstones = PartitionTombstones(partitionPrefix: [], deletion: partition.partitionDeletion,
                                                 ranges: partition.rangeTombstones)
            for var row in partition.rows {
                row.removeShadowed(by: tombstones.deletion(covering: row.clustering))
                row.cells.removeAll { !$0.isLive(nowSeconds: nowSeconds) }
                row.deletion = nil
                if !row.cells.isEmpty { result.append((partition.partitionKey, row)) }
            }
        }
        return result
    }

    static func keys(_ rows: [(partition: [UInt8], row: Row)]) -> [[UInt8]] {
        rows.map { RowKey.encode(partition: $0.partition, clustering: $0.row.clustering) }
    }

    // MARK: Reconciliation

    @Test func reconcilesFragmentsAcrossMemtableAndSSTablesKeepingDeletions() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let key = EngineRows.partition(1)
        let now = harness.clock.nowSeconds()
        // SSTable 1: rows 0...7 at timestamp 10.
        try table.apply(PartitionUpdate(partitionKey: key, rows: (0..<8).map {
            Row(clustering: [UInt8($0)], cells: [Self.cell(1, UInt8($0), timestamp: 10)])
        }))
        try table.flush()
        // SSTable 2: partition deletion at 15; rows 1 and 2 rewritten at 20.
        try table.apply(PartitionUpdate(partitionKey: key, partitionDeletion: Self.deletion(15, harness), rows: [
            Row(clustering: [1], cells: [Self.cell(2, 21, timestamp: 20)]),
            Row(clustering: [2], cells: [Self.cell(1, 22, timestamp: 20)]),
        ]))
        try table.flush()
        // SSTable 3: range [2, 4) deleted at 30 (shadows rows 2 and 3); row 3 rewritten at 35.
        try table.apply(PartitionUpdate(partitionKey: key, rangeTombstones: [
            RangeTombstone(start: Self.bound([2], inclusive: true), end: Self.bound([4], inclusive: false),
                           deletion: Self.deletion(30, harness)),
        ], rows: [Row(clustering: [3], cells: [Self.cell(1, 33, timestamp: 35)])]))
        try table.flush()
        // Memtable: row 5 deleted at 40 with a newer cell at 50; a cell tombstone on row 1.
        try table.apply(PartitionUpdate(partitionKey: key, rows: [
            Row(clustering: [5], deletion: Self.deletion(40, harness), cells: [Self.cell(3, 55, timestamp: 50)]),
            Row(clustering: [1], cells: [.tombstone(column: 1, timestamp: 45, nowSeconds: now)]),
        ]))
        let result = try table.readUnfiltered(.partition(key), limits: UnfilteredReadLimits())
        #expect(result.isExhausted)
        let expected = PartitionUpdate(partitionKey: key, partitionDeletion: Self.deletion(15, harness), rangeTombstones: [
            RangeTombstone(start: Self.bound([2], inclusive: true), end: Self.bound([4], inclusive: false),
                           deletion: Self.deletion(30, harness)),
        ], rows: [
            Row(clustering: [1], cells: [.tombstone(column: 1, timestamp: 45, nowSeconds: now), Self.cell(2, 21, timestamp: 20)]),
            Row(clustering: [3], cells: [Self.cell(1, 33, timestamp: 35)]),
            Row(clustering: [5], deletion: Self.deletion(40, harness), cells: [Self.cell(3, 55, timestamp: 50)]),
        ])
        #expect(result.partitions == [expected])
        #expect(Self.keys(Self.liveView(result.partitions, nowSeconds: now)) == Self.keys(try EngineRows.scan(table)))
    }

    @Test func rowDeletionOlderThanThePartitionDeletionIsLeftOut() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let key = EngineRows.partition(2)
        try table.apply(PartitionUpdate(partitionKey: key, rows: [Row(clustering: [1], deletion: Self.deletion(5, harness))]))
        try table.flush()
        try table.apply(PartitionUpdate(partitionKey: key, partitionDeletion: Self.deletion(9, harness)))
        let result = try table.readUnfiltered(.all, limits: UnfilteredReadLimits())
        #expect(result.partitions == [PartitionUpdate(partitionKey: key, partitionDeletion: Self.deletion(9, harness))])
    }

    @Test func partitionsWithOnlyDeletionsAreReturnedWhenInRange() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let range = RangeTombstone(start: Self.bound([1], inclusive: true), end: Self.bound([2], inclusive: true),
                                   deletion: Self.deletion(7, harness))
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(1), partitionDeletion: Self.deletion(5, harness)))
        try table.apply(EngineRows.update(2, clustering: [1]))
        try table.flush()
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(3), rangeTombstones: [range]))
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(4), partitionDeletion: Self.deletion(6, harness)))
        let all = try table.readUnfiltered(.all, limits: UnfilteredReadLimits())
        #expect(all.partitions.map(\.partitionKey) == (1...4).map(EngineRows.partition))
        #expect(all.partitions[0] == PartitionUpdate(partitionKey: EngineRows.partition(1), partitionDeletion: Self.deletion(5, harness)))
        #expect(all.partitions[2] == PartitionUpdate(partitionKey: EngineRows.partition(3), rangeTombstones: [range]))
        let one = try table.readUnfiltered(.partition(EngineRows.partition(4)), limits: UnfilteredReadLimits())
        #expect(one.partitions == [PartitionUpdate(partitionKey: EngineRows.partition(4), partitionDeletion: Self.deletion(6, harness))])
        let some = try table.readUnfiltered(.partitions(from: EngineRows.partition(2), to: EngineRows.partition(4)),
                                            limits: UnfilteredReadLimits())
        #expect(some.partitions.map(\.partitionKey) == [EngineRows.partition(2), EngineRows.partition(3)])
        let after = try table.readUnfiltered(.partitions(after: EngineRows.partition(1), to: nil), limits: UnfilteredReadLimits())
        #expect(after.partitions.map(\.partitionKey) == (2...4).map(EngineRows.partition))
        #expect(try table.readUnfiltered(.partition(EngineRows.partition(9)), limits: UnfilteredReadLimits()).partitions.isEmpty)
    }

    @Test func expiredCellsAreReturnedAsStored() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let key = EngineRows.partition(1)
        let expiring = Cell.expiring(column: 1, timestamp: 10, value: [1], ttlSeconds: 5, nowSeconds: harness.clock.nowSeconds())
        try table.apply(PartitionUpdate(partitionKey: key, rows: [Row(clustering: [1], cells: [expiring])]))
        harness.clock.advance(micros: 10_000_000)
        let result = try table.readUnfiltered(.all, limits: UnfilteredReadLimits(maxLiveRows: 1))
        #expect(result.partitions == [PartitionUpdate(partitionKey: key, rows: [Row(clustering: [1], cells: [expiring])])])
        #expect(result.isExhausted, "an expired row does not count toward maxLiveRows")
        #expect(try EngineRows.scan(table).isEmpty)
    }

    @Test func limitsBelowOneAreRefused() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        for limits in [UnfilteredReadLimits(maxLiveRows: 0), UnfilteredReadLimits(maxBytes: 0)] {
            #expect { try table.readUnfiltered(.all, limits: limits) } throws: { ($0 as? StoreError)?.isInvalidArgument ?? false }
        }
    }

    // MARK: Limits and paging

    @Test func maxLiveRowsStopsAtTheLimitingRowAndPagesResumeWithoutGapOrDuplicate() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        for partition in 1...3 {
            let rows = (0..<5).map { Row(clustering: [UInt8($0)], cells: [Self.cell(1, UInt8($0), timestamp: 10)]) }
            try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(partition), rows: rows))
            if partition == 2 { try table.flush() }
        }
        // Row 1 of partition 1 and row 3 of partition 2 are deleted: returned, not counted.
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(1), rows: [Row(clustering: [1], deletion: Self.deletion(20, harness))]))
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(2), rows: [Row(clustering: [3], deletion: Self.deletion(20, harness))]))
        let first = try table.readUnfiltered(.all, limits: UnfilteredReadLimits(maxLiveRows: 4))
        #expect(!first.isExhausted)
        #expect(first.partitions.map(\.partitionKey) == [EngineRows.partition(1)])
        #expect(first.partitions[0].rows.map(\.clustering) == [[0], [1], [2], [3], [4]])
        let second = try table.readUnfiltered(try #require(first.remainder(of: .all)), limits: UnfilteredReadLimits(maxLiveRows: 4))
        #expect(second.partitions.map(\.partitionKey) == [EngineRows.partition(2)])
        #expect(second.partitions[0].rows.map(\.clustering) == [[0], [1], [2], [3], [4]], "the deleted row 3 precedes the 4th live row")
        let whole = try table.readUnfiltered(.all, limits: UnfilteredReadLimits())
        #expect(whole.isExhausted)
        for maxLiveRows in [1, 2, 3, 5, 13, 14] {
            let paged = try Self.readPaged(table, .all, limits: UnfilteredReadLimits(maxLiveRows: maxLiveRows))
            #expect(paged.partitions == whole.partitions, "maxLiveRows \(maxLiveRows)")
            #expect(paged.pages == (13 + maxLiveRows - 1) / maxLiveRows, "maxLiveRows \(maxLiveRows): \(paged.pages) pages")
        }
        let exact = try table.readUnfiltered(.all, limits: UnfilteredReadLimits(maxLiveRows: 13))
        #expect(exact.isExhausted, "a read that stops on the very last row knows nothing follows")
    }

    @Test func maxBytesBoundsAPageOfTombstones() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let key = EngineRows.partition(1)
        for batch in 0..<4 {
            let rows = (0..<500).map { index in
                Row(clustering: withUnsafeBytes(of: UInt16(batch * 500 + index).bigEndian) { Array($0) },
                    deletion: Self.deletion(Int64(100 + index), harness))
            }
            try table.apply(PartitionUpdate(partitionKey: key, rows: rows))
            try table.flush()
        }
        for partition in 10..<1010 {
            try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(partition), partitionDeletion: Self.deletion(3, harness)))
        }
        let limits = UnfilteredReadLimits(maxBytes: 4096)
        let first = try table.readUnfiltered(.all, limits: limits)
        #expect(!first.isExhausted)
        #expect(first.partitions.count == 1)
        let rowCount = first.partitions[0].rows.count
        #expect(rowCount > 100 && rowCount < 600, "about 4 KiB of row deletions: \(rowCount)")
        let whole = try table.readUnfiltered(.all, limits: UnfilteredReadLimits())
        #expect(whole.partitions.count == 1001 && whole.partitions[0].rows.count == 2000)
        let paged = try Self.readPaged(table, .all, limits: limits)
        #expect(paged.partitions == whole.partitions)
        #expect(paged.pages > 10, "tombstone-only partitions count toward maxBytes too: \(paged.pages) pages")
    }

    // MARK: Ranges

    @Test func rangeTombstonesOutsideTheSliceAreLeftOut() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.id)
        let key = EngineRows.partition(1)
        func tombstone(_ start: ClusteringBound, _ end: ClusteringBound) -> RangeTombstone {
            RangeTombstone(start: start, end: end, deletion: Self.deletion(9, harness))
        }
        let below = tombstone(Self.bound([1], inclusive: true), Self.bound([2], inclusive: false))
        let touchingStart = tombstone(Self.bound([1], inclusive: true), Self.bound([3], inclusive: true))
        let inside = tombstone(Self.bound([4], inclusive: true), Self.bound([4, 5], inclusive: true))
        let atEnd = tombstone(Self.bound([6], inclusive: true), .unbounded)
        let everything = tombstone(.unbounded, .unbounded)
        try table.apply(PartitionUpdate(partitionKey: key, rangeTombstones: [below, touchingStart, inside, atEnd, everything]))
        let slice = ScanRange.slice(partition: key, start: Self.bound([3], inclusive: true), end: Self.bound([6], inclusive: false))
        let result = try table.readUnfiltered(slice, limits: UnfilteredReadLimits())
        #expect(result.partitions == [PartitionUpdate(partitionKey: key, rangeTombstones: [touchingStart, inside, everything])])
    }

    // MARK: Model

    /// Odd seeds compact size-tiered, even ones leveled (several files per level). Reads of
    /// one check may see different snapshots, so range tombstones compare in any order.
    @Test(arguments: [UInt64(11), 12, 13, 14])
    func liveViewMatchesScanOverRandomHistories(seed: UInt64) throws {
        let harness = try EngineTestHarness()
        let table = try Self.historyTable(seed: seed, harness)
        let random = SeededRandomSource(seed: seed)
        var history = RandomHistory(random: random, clock: harness.clock)
        var maxSSTableCount = 0
        for step in 0..<3_000 {
            try Self.randomStep(table, &history, harness)
            if step % 200 == 199 {
                maxSSTableCount = max(maxSSTableCount, table.version.allSSTables.count)
                try Self.checkAgainstScan(table, random: random, nowSeconds: harness.clock.nowSeconds(), step: step)
            }
        }
        #expect(maxSSTableCount >= 2, "the checks read several SSTables at once")
    }

    /// `readMerged` answers with the one-row slice's row, when every row's clustering has
    /// the same length (a full clustering; length 0: no clustering columns).
    @Test(arguments: [(UInt64(21), 2), (22, 0), (23, 2), (24, 0)])
    func rowReadMatchesTheOneRowSliceOverRandomHistories(seed: UInt64, clusteringLength: Int) throws {
        let harness = try EngineTestHarness()
        let table = try Self.historyTable(seed: seed, harness)
        let random = SeededRandomSource(seed: seed)
        var history = RandomHistory(random: random, clock: harness.clock)
        history.rowClusteringLengths = clusteringLength..<(clusteringLength + 1)
        let clusterings = (0..<clusteringLength).reduce([[UInt8]()]) { prefixes, _ in
            prefixes.flatMap { prefix in RandomHistory.clusteringAlphabet.map { prefix + [$0] } }
        }
        var rowsFound = 0, tombstonesFound = 0
        for step in 0..<2_000 {
            try Self.randomStep(table, &history, harness)
            guard step % 100 == 99 else { continue }
            for partition in RandomHistory.partitions {
                for clustering in clusterings {
                    let bound = Self.bound(clustering, inclusive: true)
                    let slice = try table.readUnfiltered(.slice(partition: partition, start: bound, end: bound))
                    #expect(try table.readMerged(partition: partition, clustering: clustering) == slice.partitions.first?.rows.first,
                            "step \(step), partition \(partition), clustering \(clustering)")
                    rowsFound += slice.partitions.first?.rows.count ?? 0
                    tombstonesFound += slice.partitions.first.map { $0.partitionDeletion == nil && $0.rangeTombstones.isEmpty ? 0 : 1 } ?? 0
                }
            }
        }
        #expect(rowsFound > 100 && tombstonesFound > 100, "rows \(rowsFound), answers with tombstones \(tombstonesFound)")
        #expect(table.version.allSSTables.count >= 1)
    }

    /// A table for random histories with small blocks. Odd seeds compact size-tiered, even
    /// ones leveled. No purging: background compactions may run between two reads of a
    /// check, and they must not change the unfiltered answer.
    static func historyTable(seed: UInt64, _ harness: EngineTestHarness) throws -> LSMTable {
        let compaction: CompactionStrategy = seed % 2 == 0
            ? .leveled(targetFileSizeBytes: 4 << 10, levelOneSizeBytes: 8 << 10, fanout: 2, levelZeroTrigger: 2)
            : .sizeTiered(minThreshold: 2, maxThreshold: 8)
        var options = TableOptions(compaction: compaction, gcGraceSeconds: 1_000_000)
        options.sstable.blockSizeBytes = 256
        return try harness.store.createTable(id, options: options)
    }

    /// One step of a random history: time passes, then a flush, a compaction or an update.
    static func randomStep(_ table: LSMTable, _ history: inout RandomHistory, _ harness: EngineTestHarness) throws {
        harness.clock.advance(micros: Int64(history.random.next(below: 1_000_000)))
        switch history.random.next(below: 1000) {
        case 0..<30: try table.flush()
        case 30..<33: try table.compact()
        default: try table.apply(history.randomUpdate())
        }
    }

    static func checkAgainstScan(_ table: LSMTable, random: SeededRandomSource, nowSeconds: Int64, step: Int) throws {
        let whole = try table.readUnfiltered(.all, limits: UnfilteredReadLimits())
        #expect(whole.isExhausted)
        let scanned = try EngineRows.scan(table)
        let live = liveView(whole.partitions, nowSeconds: nowSeconds)
        #expect(keys(live) == keys(scanned), "step \(step)")
        #expect(live.map(\.row) == scanned.map(\.row), "step \(step)")
        let limits = UnfilteredReadLimits(maxLiveRows: random.next(in: 1..<8), maxBytes: random.next(in: 1..<400))
        let paged = try readPaged(table, .all, limits: limits)
        #expect(normalized(paged.partitions) == normalized(whole.partitions), "step \(step), \(limits)")
        for partition in RandomHistory.partitions {
            let range = ScanRange.partition(partition)
            let one = try table.readUnfiltered(range, limits: UnfilteredReadLimits())
            #expect(normalized(one.partitions) == normalized(whole.partitions.filter { $0.partitionKey == partition }),
                    "step \(step)")
        }
        let first = RandomHistory.partitions[random.next(in: 0..<RandomHistory.partitions.count)]
        let tokenRange = ScanRange.partitions(after: first, to: nil)
        let after = try table.readUnfiltered(tokenRange, limits: UnfilteredReadLimits())
        let firstPrefix = RowKey.partitionPrefix(first)
        #expect(normalized(after.partitions) == normalized(whole.partitions.filter {
            compareBytes(RowKey.partitionPrefix($0.partitionKey), firstPrefix) > 0
        }), "step \(step)")
    }

    /// Partitions with their range tombstones in a fixed order (compaction may reorder them).
    static func normalized(_ partitions: [PartitionUpdate]) -> [PartitionUpdate] {
        partitions.map { partition in
            var result = partition
            result.rangeTombstones.sort { "\($0)" < "\($1)" }
            return result
        }
    }
}
