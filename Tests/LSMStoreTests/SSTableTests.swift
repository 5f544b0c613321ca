import Foundation
import KVCore
import Testing
@testable import LSMStore

@Suite struct SSTableTests {
    enum FileSystemKind: String, CaseIterable, Sendable { case simulated, posix }

    static let path = "/sstable/000001.sst"

    /// A file system and a path in it to write an SSTable to.
    static func makeLocation(_ kind: FileSystemKind) throws -> (any FileSystem, String) {
        switch kind {
        case .simulated:
            let fileSystem = SimulatedFileSystem()
            try fileSystem.createDirectory("/sstable")
            return (fileSystem, path)
        case .posix:
            return (PosixFileSystem(), try SSTableTestData.temporaryDirectory() + "/000001.sst")
        }
    }

    @Test(arguments: FileSystemKind.allCases, [SSTableCompression.none, .lz4])
    func roundTrip(_ kind: FileSystemKind, compression: SSTableCompression) throws {
        let (fileSystem, path) = try Self.makeLocation(kind)
        let entries = SSTableTestData.standard
        let tombstones = SSTableTestData.tombstones(partitionCount: 10_000)
        let options = SSTableWriterOptions(compression: compression)
        let written = try SSTableTestData.write(entries, tombstones: tombstones, path: path, fileSystem: fileSystem, options: options)
        let reader = try SSTableReader.open(path: path, fileNumber: 1, fileSystem: fileSystem, cache: BlockCache(capacityBytes: 8 << 20))
        #expect(reader.statistics == written)
        #expect(reader.blockCount == written.blockCount && written.blockCount > 10)
        try checkGets(reader, entries)
        try checkIteration(reader, entries)
        try checkSeeks(reader, entries)
        #expect(reader.allTombstones == tombstones)
        for expected in tombstones {
            #expect(expected.partitionPrefix.withUnsafeBytes { reader.tombstones(partitionPrefix: $0) } == expected)
        }
        try reader.verify()
        if compression == .lz4 { #expect(written.dataSizeBytes < written.uncompressedSizeBytes) }
        if kind == .posix { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    }

    private func checkGets(_ reader: SSTableReader, _ entries: [SSTableTestData.Entry]) throws {
        for entry in entries {
            #expect(try reader.get(entry.key) == entry.encoded)
        }
        for entry in entries.prefix(2_000) {
            // Keys between and around stored keys: extended, and in a partition that does not exist.
            #expect(try reader.get(entry.key + [0]) == nil)
            let absentPartition = RowKey.encode(partition: entry.key.prefix(8) + [0x55], clustering: [])
            #expect(try reader.get(absentPartition) == nil)
        }
        #expect(try reader.get(Array(repeating: 0xFF, count: 20) + [0, 1]) == nil)
        #expect(try reader.get([0, 1]) == nil)
    }

    private func checkIteration(_ reader: SSTableReader, _ entries: [SSTableTestData.Entry]) throws {
        let all = try reader.allEntries()
        #expect(all.count == entries.count)
        #expect(zip(all, entries).allSatisfy { $0.key == $1.key && $0.value == $1.encoded })
    }

    private func checkSeeks(_ reader: SSTableReader, _ entries: [SSTableTestData.Entry]) throws {
        let iterator = reader.makeIterator()
        for index in stride(from: 0, to: entries.count, by: 997) {
            try entries[index].key.withUnsafeBytes { try iterator.seek($0) }
            #expect(iterator.isValid && Array(iterator.key) == entries[index].key)
            try (entries[index].key + [0]).withUnsafeBytes { try iterator.seek($0) }
            let expected = index + 1 < entries.count ? entries[index + 1].key : nil
            #expect((iterator.isValid ? Array(iterator.key) : nil) == expected)
        }
        try [UInt8]().withUnsafeBytes { try iterator.seek($0) }
        #expect(Array(iterator.key) == entries[0].key)
        try [UInt8](repeating: 0xFF, count: 12).withUnsafeBytes { try iterator.seek($0) }
        #expect(!iterator.isValid)
    }

    @Test func statisticsMatchTheInput() throws {
        let (fileSystem, path) = try Self.makeLocation(.simulated)
        let entries = SSTableTestData.standard
        let tombstones = SSTableTestData.tombstones(partitionCount: 10_000)
        try SSTableTestData.write(entries, tombstones: tombstones, path: path, fileSystem: fileSystem, options: .init())
        let statistics = try SSTableReader.open(path: path, fileNumber: 1, fileSystem: fileSystem, cache: nil).statistics
        let rows = entries.map(\.row)
        let cells = rows.flatMap(\.cells)
        let deletions = rows.compactMap(\.deletion) + tombstones.compactMap(\.deletion) + tombstones.flatMap { $0.ranges.map(\.deletion) }
        let timestamps = cells.map(\.timestamp) + deletions.map(\.timestamp)
        #expect(statistics.entryCount == entries.count)
        #expect(statistics.partitionCount == 10_000 + tombstones.filter { compareBytes($0.partitionPrefix, entries.last!.key) > 0 }.count)
        #expect(statistics.firstKey == entries.first!.key)
        #expect(statistics.lastKey == tombstones.last!.partitionPrefix)
        #expect(statistics.minTimestamp == timestamps.min() && statistics.maxTimestamp == timestamps.max())
        #expect(statistics.cellTombstoneCount == cells.filter { $0.kind == .tombstone }.count)
        #expect(statistics.expiringCellCount == cells.filter { $0.kind == .expiring }.count)
        #expect(statistics.rowDeletionCount == rows.filter { $0.deletion != nil }.count)
        #expect(statistics.rangeTombstoneCount == tombstones.count)
        #expect(statistics.partitionDeletionCount == tombstones.filter { $0.deletion != nil }.count)
        let localTimes = cells.filter { $0.kind != .live }.map(\.localSeconds) + deletions.map(\.localSeconds)
        #expect(statistics.minLocalDeletionSeconds == localTimes.min())
        #expect(statistics.uncompressedSizeBytes > entries.reduce(0) { $0 + $1.encoded.count })
    }

    @Test func blockStatisticsAreExactAndTheFilterSkipsBlocks() throws {
        let (fileSystem, path) = try Self.makeLocation(.simulated)
        let entries = SSTableTestData.standard
        let options = SSTableWriterOptions(blockSizeBytes: 4096, columnOrderings: [SSTableTestData.intColumn: .signedInteger])
        try SSTableTestData.write(entries, path: path, fileSystem: fileSystem, options: options)
        let reader = try SSTableReader.open(path: path, fileNumber: 1, fileSystem: fileSystem, cache: nil)
        let blocks = groupByBlock(entries, reader)
        for (index, blockEntries) in blocks.enumerated() {
            #expect(reader.blockStatistics(index) == expectedStatistics(blockEntries))
            #expect(reader.blockLastKey(index) == blockEntries.last!.key)
        }
        // Keep blocks whose int values may reach 99,000 or more (a few of them).
        let threshold = SSTableTestData.intColumn
        let lower = ValueOrdering.signedInteger.sortKey(withUnsafeBytes(of: Int32(99_000).bigEndian) { Array($0) })
        let filter: (BlockStatistics) -> Bool = { $0.columns[threshold]!.mayContain(sortKeysFrom: lower, through: nil) }
        let admitted = (0..<reader.blockCount).filter { filter(reader.blockStatistics($0)) }
        #expect(admitted.count > 0 && admitted.count < reader.blockCount / 2)
        let iterator = reader.makeIterator()
        iterator.blockFilter = { filter(reader.blockStatistics($0)) }
        var keys: [[UInt8]] = []
        try iterator.seekToFirst()
        while iterator.isValid {
            keys.append(Array(iterator.key))
            try iterator.next()
        }
        #expect(keys == admitted.flatMap { blocks[$0].map(\.key) })
        #expect(iterator.blocksSkipped == reader.blockCount - admitted.count)
    }

    /// The entries of each block, using the index's last keys as boundaries.
    private func groupByBlock(_ entries: [SSTableTestData.Entry], _ reader: SSTableReader) -> [[SSTableTestData.Entry]] {
        var blocks: [[SSTableTestData.Entry]] = Array(repeating: [], count: reader.blockCount)
        var block = 0
        for entry in entries {
            while compareBytes(entry.key, reader.blockLastKey(block)) > 0 { block += 1 }
            blocks[block].append(entry)
        }
        return blocks
    }

    private func expectedStatistics(_ entries: [SSTableTestData.Entry]) -> BlockStatistics {
        let rows = entries.map(\.row)
        let cells = rows.flatMap(\.cells)
        let timestamps = cells.map(\.timestamp) + rows.compactMap(\.deletion).map(\.timestamp)
        let values = cells.filter { $0.column == SSTableTestData.intColumn && $0.kind != .tombstone }
            .map { ValueOrdering.signedInteger.sortKey($0.value) }
        let column = ColumnStatistics(liveCellCount: values.count, minSortKey: values.min { compareBytes($0, $1) < 0 }!,
                                      maxSortKey: values.max { compareBytes($0, $1) < 0 }!, maxIsExact: true)
        return BlockStatistics(rowCount: rows.count, minTimestamp: timestamps.min()!, maxTimestamp: timestamps.max()!,
                               tombstoneCount: cells.filter { $0.kind == .tombstone }.count + rows.filter { $0.deletion != nil }.count,
                               expiringCount: cells.filter { $0.kind == .expiring }.count,
                               columns: [SSTableTestData.intColumn: column])
    }

    @Test func blockCacheServesRepeatedReads() throws {
        let (fileSystem, path) = try Self.makeLocation(.simulated)
        let entries = SSTableTestData.entries(partitionCount: 500, rowsPerPartition: 4, seed: 7)
        try SSTableTestData.write(entries, path: path, fileSystem: fileSystem, options: .init())
        let cache = BlockCache(capacityBytes: 64 << 20)
        let reader = try SSTableReader.open(path: path, fileNumber: 9, fileSystem: fileSystem, cache: cache)
        for entry in entries { #expect(try reader.get(entry.key) == entry.encoded) }
        #expect(cache.misses == reader.blockCount)
        #expect(cache.hits == entries.count - reader.blockCount)
        cache.removeAll(fileNumber: 9)
        #expect(cache.usedBytes == 0)
    }

    @Test func concurrentReadersShareOneReaderAndCache() async throws {
        let (fileSystem, path) = try Self.makeLocation(.simulated)
        let entries = SSTableTestData.entries(partitionCount: 1_000, rowsPerPartition: 4, seed: 8)
        try SSTableTestData.write(entries, path: path, fileSystem: fileSystem, options: .init(blockSizeBytes: 2048))
        let reader = try SSTableReader.open(path: path, fileNumber: 3, fileSystem: fileSystem,
                                            cache: BlockCache(capacityBytes: 64 << 10))
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var failures = 0
                    for entry in entries[(task * 1_000)..<((task + 1) * 1_000)] where (try? reader.get(entry.key)) != entry.encoded {
                        failures += 1
                    }
                    if (try? reader.allEntries().count) != entries.count { failures += 1 }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test func emptyTableAndOversizedRows() throws {
        let (fileSystem, path) = try Self.makeLocation(.simulated)
        let empty = try SSTableWriter(path: path, fileSystem: fileSystem, options: .init()).finish()
        #expect(empty.entryCount == 0 && empty.blockCount == 0 && empty.firstKey.isEmpty)
        let reader = try SSTableReader.open(path: path, fileNumber: 1, fileSystem: fileSystem, cache: nil)
        #expect(try reader.allEntries().isEmpty)
        #expect(try reader.get(RowKey.encode(partition: [1], clustering: [])) == nil)

        let big = Row(clustering: [1], cells: [.live(column: 2, timestamp: 1, value: Array(repeating: 7, count: 100_000))])
        let entries = (0..<3).map { index in
            SSTableTestData.Entry(key: RowKey.encode(partition: [UInt8(index + 1)], clustering: [1]), row: big,
                                  encoded: RowCodec.encode(big))
        }
        try SSTableTestData.write(entries, path: path, fileSystem: fileSystem, options: .init(blockSizeBytes: 1024))
        let bigReader = try SSTableReader.open(path: path, fileNumber: 2, fileSystem: fileSystem, cache: nil)
        #expect(bigReader.blockCount == 3)
        #expect(try bigReader.get(entries[1].key) == entries[1].encoded)
    }

    @Test func writerRejectsBadInput() throws {
        let (fileSystem, path) = try Self.makeLocation(.simulated)
        let writer = try SSTableWriter(path: path, fileSystem: fileSystem, options: .init())
        let row = RowCodec.encode(Row(cells: [.live(column: 1, timestamp: 1, value: [1])]))
        try writer.add(key: RowKey.encode(partition: [5], clustering: [5]), row: row)
        func isInvalidArgument(_ body: () throws -> Void) -> Bool {
            do { try body() } catch let error as StoreError {
                if case .invalidArgument = error { return true }
            } catch {}
            return false
        }
        #expect(isInvalidArgument { try writer.add(key: RowKey.encode(partition: [5], clustering: [5]), row: row) })
        #expect(isInvalidArgument { try writer.add(key: RowKey.encode(partition: [4], clustering: [9]), row: row) })
        #expect(isInvalidArgument { try writer.add(key: [9, 9, 9], row: row) })
        #expect(isInvalidArgument { try writer.add(key: RowKey.encode(partition: [6], clustering: []), row: [0xEE]) })
        let deletion = DeletionTime(timestamp: 1, localSeconds: 1)
        try writer.add(PartitionTombstones(partitionPrefix: RowKey.partitionPrefix([3]), deletion: deletion))
        #expect(isInvalidArgument { try writer.add(PartitionTombstones(partitionPrefix: RowKey.partitionPrefix([3]), deletion: deletion)) })
        #expect(isInvalidArgument { try writer.add(PartitionTombstones(partitionPrefix: [3], deletion: deletion)) })
        try writer.add(key: RowKey.encode(partition: [6], clustering: []), row: row)
        let statistics = try writer.finish()
        #expect(statistics.entryCount == 2 && statistics.partitionCount == 3)
        #expect(statistics.firstKey == RowKey.partitionPrefix([3]))
        #expect(isInvalidArgument { _ = try writer.finish() })
        #expect(isInvalidArgument { _ = try SSTableWriter(path: path, fileSystem: fileSystem, options: .init(restartInterval: 0)) })
    }

    @Test func abandonedWriterLeavesNoReadableTable() throws {
        let (fileSystem, path) = try Self.makeLocation(.simulated)
        let writer = try SSTableWriter(path: path, fileSystem: fileSystem, options: .init())
        try writer.add(key: RowKey.encode(partition: [1], clustering: []), row: RowCodec.encode(Row()))
        writer.abandon()
        #expect(throws: StoreError.self) { try SSTableReader.open(path: path, fileNumber: 1, fileSystem: fileSystem, cache: nil) }
    }
}
