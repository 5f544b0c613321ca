import KVCore
import Synchronization
import Testing
@testable import LSMStore

@Suite struct MemTableTests {
    private static func apply(_ memTable: MemTable, _ update: PartitionUpdate) {
        var scratch: [UInt8] = []
        memTable.apply(update, scratch: &scratch)
    }

    private static func row(_ memTable: MemTable, partition: [UInt8], clustering: [UInt8]) throws -> Row? {
        let key = RowKey.encode(partition: partition, clustering: clustering)
        guard let bytes = key.withUnsafeBytes({ memTable.get($0).map { Array($0) } }) else { return nil }
        return try RowCodec.decode(bytes, clustering: clustering)
    }

    /// The row read through the partition index, as a point read does (no walk, no link).
    private static func indexedRow(_ memTable: MemTable, partition: [UInt8], clustering: [UInt8]) throws -> Row? {
        let key = RowKey.encode(partition: partition, clustering: clustering)
        let prefixLength = RowKey.partitionPrefix(partition).count
        guard let bytes = key.withUnsafeBytes({ memTable.get($0, partitionPrefixLength: prefixLength).map { Array($0) } }) else {
            return nil
        }
        return try RowCodec.decode(bytes, clustering: clustering)
    }

    private static func walk(_ memTable: MemTable) -> [[UInt8]] {
        let iterator = memTable.makeIterator()
        iterator.seekToFirst()
        var keys: [[UInt8]] = []
        while iterator.isValid {
            keys.append(Array(iterator.key))
            iterator.next()
        }
        return keys
    }

    private static func hasUnlinkedRows(_ memTable: MemTable) -> Bool { memTable.shards.contains { $0.rows.hasUnlinked } }

    @Test func appliedRowsCanBeReadBack() throws {
        let memTable = MemTable()
        #expect(memTable.isEmpty)
        let row = Row(clustering: [0, 1], cells: [.live(column: 1, timestamp: 10, value: [1, 2]),
                                                  .live(column: 2, path: [9], timestamp: 10, value: [])])
        Self.apply(memTable, PartitionUpdate(partitionKey: [0, 7], rows: [row, Row(clustering: [2], cells: [.live(column: 1, timestamp: 3, value: [])])]))
        #expect(!memTable.isEmpty)
        #expect(try Self.row(memTable, partition: [0, 7], clustering: [0, 1]) == row)
        #expect(try Self.row(memTable, partition: [0, 7], clustering: [2])?.cells.count == 1)
        #expect(try Self.row(memTable, partition: [0, 7], clustering: [3]) == nil)
        #expect(try Self.row(memTable, partition: [0], clustering: [7, 0, 1]) == nil, "partition bytes are not clustering bytes")
        #expect(memTable.minTimestamp == 3 && memTable.maxTimestamp == 10)
    }

    @Test func laterFragmentsOfARowAreReconciled() throws {
        let memTable = MemTable()
        Self.apply(memTable, PartitionUpdate(partitionKey: [1], rows: [
            Row(clustering: [1], cells: [.live(column: 1, timestamp: 20, value: [1]), .live(column: 2, timestamp: 5, value: [2])]),
        ]))
        Self.apply(memTable, PartitionUpdate(partitionKey: [1], rows: [
            Row(clustering: [1], deletion: DeletionTime(timestamp: 6, localSeconds: 0),
                cells: [.live(column: 1, timestamp: 10, value: [9]), .tombstone(column: 2, timestamp: 7, nowSeconds: 0),
                        .live(column: 3, timestamp: 1, value: [3])]),
        ]))
        let merged = try #require(try Self.row(memTable, partition: [1], clustering: [1]))
        #expect(merged.cells == [.live(column: 1, timestamp: 20, value: [1]), .tombstone(column: 2, timestamp: 7, nowSeconds: 0),
                                 .live(column: 3, timestamp: 1, value: [3])])
        #expect(merged.deletion == DeletionTime(timestamp: 6, localSeconds: 0))
        #expect(memTable.rowCount == 1)
    }

    @Test func tombstonesAreKeptPerPartitionAndListedSorted() {
        let memTable = MemTable()
        #expect(!memTable.hasTombstones && memTable.allTombstones().isEmpty)
        let range = RangeTombstone(start: ClusteringBound(prefix: [1], isInclusive: true),
                                   end: ClusteringBound(prefix: [2], isInclusive: false),
                                   deletion: DeletionTime(timestamp: 5, localSeconds: 1))
        Self.apply(memTable, PartitionUpdate(partitionKey: [9], partitionDeletion: DeletionTime(timestamp: 3, localSeconds: 1)))
        Self.apply(memTable, PartitionUpdate(partitionKey: [2, 0], rangeTombstones: [range]))
        Self.apply(memTable, PartitionUpdate(partitionKey: [9], partitionDeletion: DeletionTime(timestamp: 2, localSeconds: 9),
                                             rangeTombstones: [range]))
        Self.apply(memTable, PartitionUpdate(partitionKey: [2]))  // nothing
        #expect(memTable.hasTombstones && !memTable.isEmpty)
        #expect(memTable.rowCount == 0)
        let all = memTable.allTombstones()
        #expect(all.map(\.partitionPrefix) == [RowKey.partitionPrefix([2, 0]), RowKey.partitionPrefix([9])])
        let nine = memTable.tombstones(partitionPrefix: RowKey.partitionPrefix([9]))
        #expect(nine?.deletion == DeletionTime(timestamp: 3, localSeconds: 1), "the later deletion is kept")
        #expect(nine?.ranges == [range])
        #expect(memTable.tombstones(partitionPrefix: RowKey.partitionPrefix([3])) == nil)
        #expect(memTable.minTimestamp == 2 && memTable.maxTimestamp == 5)
    }

    @Test func allTombstonesAreSortedByPrefixOverManyPartitions() {
        let memTable = MemTable()
        let random = SeededRandomSource(seed: 41)
        for _ in 0..<200 {
            let key = (0..<random.next(in: 0..<4)).map { _ in UInt8(random.next(in: 0..<3)) }
            Self.apply(memTable, PartitionUpdate(partitionKey: key, partitionDeletion: DeletionTime(timestamp: 1, localSeconds: 1)))
        }
        let prefixes = memTable.allTombstones().map(\.partitionPrefix)
        #expect(zip(prefixes, prefixes.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
    }

    @Test func byteAccountingGrowsWithEveryWrite() {
        let memTable = MemTable()
        var last = memTable.memoryBytes
        for index in 0..<50 {
            let update = index % 5 == 0
                ? PartitionUpdate(partitionKey: [UInt8(index)], partitionDeletion: DeletionTime(timestamp: 1, localSeconds: 1))
                : PartitionUpdate(partitionKey: [UInt8(index)], rows: [Row(clustering: [1], cells: [.live(column: 1, timestamp: 1, value: [UInt8](repeating: 1, count: 100))])])
            Self.apply(memTable, update)
            #expect(memTable.memoryBytes > last, "write \(index)")
            last = memTable.memoryBytes
        }
        #expect(last >= 40 * 100)
    }

    /// `summedSize` sums the shards only after the written shard grew by a 64th of the limit
    /// since it last did, so it sees a full memtable within that much more writing, and
    /// partition tombstones, which live outside the shards, count as growth too.
    @Test func fullnessIsSeenOnceTheWrittenShardGrewByAStep() {
        let memTable = MemTable()
        func write(_ partition: [UInt8]) {
            Self.apply(memTable, PartitionUpdate(partitionKey: partition, rows: [
                Row(clustering: [], cells: [.live(column: 1, timestamp: 1, value: [UInt8](repeating: 7, count: 100))])]))
        }
        for index in 0..<100 { write([0, UInt8(index)]); write([0xFF, UInt8(index)]) }
        // The low shard has grown from nothing: the shards are summed.
        #expect(memTable.hasReached(memTable.memoryBytes, afterWritingTo: [0, 0]))
        let limit = memTable.memoryBytes + 1
        let step = limit / 64
        #expect(!memTable.hasReached(limit, afterWritingTo: [0, 0]), "not full")
        // Over the limit, but the low shard has not grown by a step since it summed.
        write([0, 200])
        #expect(memTable.memoryBytes >= limit)
        #expect(!memTable.hasReached(limit, afterWritingTo: [0, 200]))
        var writes = 0
        while !memTable.hasReached(limit, afterWritingTo: [0, 201]) {
            write([0, 201, UInt8(writes % 256), UInt8(writes / 256)])
            writes += 1
        }
        #expect(writes > 0 && writes * 100 <= step + 200, "seen within a step of growth")
        // The high shard last summed before any of this: its next write sums again.
        #expect(memTable.hasReached(limit, afterWritingTo: [0xFF, 0]))
        // Tombstones alone make the written shard's step too.
        let tombstones = MemTable()
        var deletes = 0
        while !tombstones.hasReached(64 * 64 * 8, afterWritingTo: [1]) {
            Self.apply(tombstones, PartitionUpdate(partitionKey: [1, UInt8(deletes % 256), UInt8(deletes / 256)],
                                                   partitionDeletion: DeletionTime(timestamp: 1, localSeconds: 1)))
            deletes += 1
        }
        #expect(deletes > 0 && tombstones.memoryBytes >= 64 * 64 * 8)
    }

    @Test func iteratorWalksRowsInKeyOrder() {
        let memTable = MemTable()
        let random = SeededRandomSource(seed: 42)
        var keys = Set<[UInt8]>()
        for _ in 0..<300 {
            let partition = (0..<random.next(in: 0..<3)).map { _ in UInt8(random.next(in: 0..<3)) }
            let clustering = (0..<random.next(in: 0..<3)).map { _ in UInt8(random.next(in: 0..<3)) }
            keys.insert(RowKey.encode(partition: partition, clustering: clustering))
            Self.apply(memTable, PartitionUpdate(partitionKey: partition, rows: [Row(clustering: clustering, cells: [.live(column: 1, timestamp: 1, value: [])])]))
        }
        let seen = Self.walk(memTable)
        #expect(seen == keys.sorted { $0.lexicographicallyPrecedes($1) })
        let middle = seen[seen.count / 2]
        let iterator = memTable.makeIterator()
        middle.withUnsafeBytes { iterator.seek($0) }
        #expect(iterator.isValid && Array(iterator.key) == middle)
    }

    @Test func iterationAndSeeksWalkTheShardsInKeyOrder() {
        let memTable = MemTable()
        // Partitions in the first and last shards and one in between; the others stay empty.
        let partitions: [[UInt8]] = [[0x00, 5], [0x01], [0x7F, 1], [0xFF], [0xFF, 0]]
        for partition in partitions.shuffled() {
            Self.apply(memTable, PartitionUpdate(partitionKey: partition, rows: [
                Row(clustering: [2], cells: [.live(column: 1, timestamp: 1, value: [])]),
                Row(clustering: [1], cells: [.live(column: 1, timestamp: 1, value: [])]),
            ]))
        }
        let expected = partitions.flatMap { [RowKey.encode(partition: $0, clustering: [1]), RowKey.encode(partition: $0, clustering: [2])] }
            .sorted { $0.lexicographicallyPrecedes($1) }
        #expect(Self.walk(memTable) == expected)
        #expect(memTable.rowCount == expected.count)
        #expect(Set(partitions.map { MemTable.shardIndex(partitionKey: $0) }).count == 3)

        // A seek into an empty shard lands on the next shard's first row.
        let iterator = memTable.makeIterator()
        let between = RowKey.encode(partition: [0x40], clustering: [])
        between.withUnsafeBytes { iterator.seek($0) }
        #expect(iterator.isValid && Array(iterator.key) == RowKey.encode(partition: [0x7F, 1], clustering: [1]))
        let pastAll = RowKey.encode(partition: [0xFF, 0, 9], clustering: [])
        pastAll.withUnsafeBytes { iterator.seek($0) }
        #expect(!iterator.isValid)
        // Past the last row of a shard, `next` crosses to the next non-empty shard.
        RowKey.encode(partition: [0x01], clustering: [2]).withUnsafeBytes { iterator.seek($0) }
        iterator.next()
        #expect(iterator.isValid && Array(iterator.key) == RowKey.encode(partition: [0x7F, 1], clustering: [1]))
    }

    /// A new partition's row goes in unlinked: point reads find it through the partition
    /// index, a write to it merges in place, a second row links it, and a walk links all.
    @Test func rowsOfNewPartitionsAreReadBeforeAnyWalk() throws {
        let memTable = MemTable()
        let partitions = (0..<200).map { [UInt8(truncatingIfNeeded: $0 &* 59), UInt8($0 & 7)] }
        for (index, partition) in partitions.enumerated() {
            Self.apply(memTable, PartitionUpdate(partitionKey: partition, rows: [
                Row(clustering: [], cells: [.live(column: 1, timestamp: 10, value: [UInt8(index & 0xFF)])]),
            ]))
        }
        #expect(Self.hasUnlinkedRows(memTable))
        #expect(memTable.rowCount == partitions.count)
        for (index, partition) in partitions.enumerated() {
            #expect(try Self.indexedRow(memTable, partition: partition, clustering: [])?.cells == [.live(column: 1, timestamp: 10, value: [UInt8(index & 0xFF)])])
        }
        // An older and a newer cell for the same row merge into the unlinked row.
        Self.apply(memTable, PartitionUpdate(partitionKey: partitions[3], rows: [
            Row(clustering: [], cells: [.live(column: 1, timestamp: 5, value: [0xAA]), .live(column: 2, timestamp: 11, value: [0xBB])]),
        ]))
        #expect(try Self.indexedRow(memTable, partition: partitions[3], clustering: [])?.cells
                == [.live(column: 1, timestamp: 10, value: [3]), .live(column: 2, timestamp: 11, value: [0xBB])])
        #expect(memTable.rowCount == partitions.count)
        #expect(Self.hasUnlinkedRows(memTable), "merging in place links nothing")
        // A second row of a partition links the shard's unlinked rows, then goes in order.
        Self.apply(memTable, PartitionUpdate(partitionKey: partitions[4], rows: [
            Row(clustering: [1], cells: [.live(column: 1, timestamp: 1, value: [])]),
        ]))
        #expect(try Self.indexedRow(memTable, partition: partitions[4], clustering: [1]) != nil)
        #expect(try Self.indexedRow(memTable, partition: partitions[4], clustering: []) != nil)
        let expected = (partitions.map { RowKey.encode(partition: $0, clustering: []) } + [RowKey.encode(partition: partitions[4], clustering: [1])])
            .sorted { $0.lexicographicallyPrecedes($1) }
        #expect(Self.walk(memTable) == expected)
        #expect(!Self.hasUnlinkedRows(memTable), "a walk links every row first")
    }

    /// One writer adds rows of new partitions while readers walk: every walk is in order and
    /// holds at least every row whose write had finished when the walk began.
    @Test func walksDuringWritesSeeEveryFinishedWrite() async {
        let memTable = MemTable()
        let writers = MemTableWriteLocks()
        let progress = WriteProgress()
        let rowCount = 6_000
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<rowCount {
                    let partition: [UInt8] = [UInt8(truncatingIfNeeded: index &* 97), UInt8(index >> 8), UInt8(index & 0xFF)]
                    let update = PartitionUpdate(partitionKey: partition, rows: [
                        Row(clustering: [], cells: [.live(column: 1, timestamp: 1, value: [])]),
                    ])
                    writers.withShard(of: partition) { memTable.apply(update, scratch: &$0.scratch) }
                    progress.finished.store(index + 1, ordering: .releasing)
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    while true {
                        let before = progress.finished.load(ordering: .acquiring)
                        let keys = Self.walk(memTable)
                        #expect(keys.count >= before, "a walk missed finished writes")
                        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
                        if before == rowCount { return }
                    }
                }
            }
        }
        #expect(Self.walk(memTable).count == rowCount)
    }

    @Test func writersOfDifferentShardsInsertAtOnce() async {
        let memTable = MemTable()
        let writers = MemTableWriteLocks()
        let perWriter = 2000
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<perWriter {
                        // Each writer's keys spread over every shard.
                        let partition: [UInt8] = [UInt8(truncatingIfNeeded: index &* 37), UInt8(writer), UInt8(index >> 8), UInt8(index & 0xFF)]
                        let update = PartitionUpdate(partitionKey: partition, rows: [
                            Row(clustering: [], cells: [.live(column: 1, timestamp: Int64(index), value: [UInt8(writer)])]),
                        ])
                        writers.withShard(of: partition) { memTable.apply(update, scratch: &$0.scratch) }
                    }
                }
            }
        }
        #expect(memTable.rowCount == 4 * perWriter)
        let iterator = memTable.makeIterator()
        iterator.seekToFirst()
        var previous: [UInt8]?
        var count = 0
        while iterator.isValid {
            let key = Array(iterator.key)
            if let previous { #expect(previous.lexicographicallyPrecedes(key)) }
            previous = key
            count += 1
            iterator.next()
        }
        #expect(count == 4 * perWriter)
    }
}

/// How many writes a test's writer has finished, for its readers.
private final class WriteProgress: Sendable {
    let finished = Atomic<Int>(0)
}

extension MemTable {
    /// `apply(_:payload:scratch:)` with the update's payload encoded here, as the table
    /// would log it.
    func apply(_ update: PartitionUpdate, scratch: inout [UInt8]) {
        var payload = ByteWriter()
        PartitionUpdateCodec.encode(update, table: TableID(high: 0, low: 1), into: &payload)
        payload.bytes.withUnsafeBytes { apply(update, payload: $0, scratch: &scratch) }
    }

    /// Whether `summedSize` saw the memtable holding `limit` bytes or more.
    func hasReached(_ limit: Int, afterWritingTo partitionKey: [UInt8]) -> Bool {
        (summedSize(towards: limit, afterWritingTo: partitionKey) ?? 0) >= limit
    }
}
