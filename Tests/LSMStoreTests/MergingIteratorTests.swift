import KVCore
import Testing
@testable import LSMStore

@Suite struct MergingIteratorTests {
    static func key(_ partition: Int, _ clustering: Int) -> [UInt8] {
        RowKey.encode(partition: [UInt8(partition)], clustering: [UInt8(clustering)])
    }

    static func memTable(_ keys: [(Int, Int)], value: UInt8) -> MemTable {
        let memTable = MemTable()
        var scratch: [UInt8] = []
        for (partition, clustering) in keys {
            memTable.apply(PartitionUpdate(partitionKey: [UInt8(partition)], rows: [
                Row(clustering: [UInt8(clustering)], cells: [.live(column: 1, timestamp: 1, value: [value])]),
            ]), scratch: &scratch)
        }
        return memTable
    }

    /// An SSTable holding `keys` (sorted), each row's value byte `value`.
    static func sstable(_ keys: [(Int, Int)], value: UInt8, fileSystem: SimulatedFileSystem, number: UInt64) throws -> SSTableHandle {
        let path = "/m/\(number).sst"
        let writer = try SSTableWriter(path: path, fileSystem: fileSystem, options: SSTableWriterOptions(blockSizeBytes: 64))
        for (partition, clustering) in keys.sorted(by: { $0 < $1 }) {
            try writer.add(key: key(partition, clustering),
                           row: RowCodec.encode(Row(cells: [.live(column: 1, timestamp: 1, value: [value])])))
        }
        _ = try writer.finish()
        return SSTableHandle(reader: try SSTableReader.open(path: path, fileNumber: number, fileSystem: fileSystem, cache: nil),
                             fileSystem: fileSystem)
    }

    /// (key, group of source indexes, value byte of each group member) from `seek` on.
    static func drain(_ iterator: MergingIterator) throws -> [(key: [UInt8], group: [Int], values: [UInt8])] {
        var result: [(key: [UInt8], group: [Int], values: [UInt8])] = []
        while iterator.isValid {
            let values = try iterator.group.map { index in
                try RowCodec.decode(iterator.sources[index].value, clustering: []).cells[0].value[0]
            }
            result.append((Array(iterator.key), iterator.group, values))
            try iterator.advance()
        }
        return result
    }

    @Test func groupsEqualKeysAcrossOverlappingSources() throws {
        let random = SeededRandomSource(seed: 81)
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/m")
        // Sources 0-2 are memtables, 3 one SSTable, 4 a level of two SSTables, 5 empty.
        var keySets: [Set<[Int]>] = []
        for _ in 0..<5 {
            var keys = Set<[Int]>()
            for _ in 0..<60 { keys.insert([random.next(in: 0..<6), random.next(in: 0..<20)]) }
            keySets.append(keys)
        }
        keySets[4] = keySets[4].filter { $0[0] != 3 }
        let pairs = keySets.map { $0.map { ($0[0], $0[1]) } }
        let levelFiles = [try Self.sstable(pairs[4].filter { $0.0 < 3 }, value: 4, fileSystem: fileSystem, number: 2),
                          try Self.sstable(pairs[4].filter { $0.0 > 3 }, value: 4, fileSystem: fileSystem, number: 3)]
        let sources: [any RowSource] = [
            MemTableSource(Self.memTable(pairs[0], value: 0)), MemTableSource(Self.memTable(pairs[1], value: 1)),
            MemTableSource(Self.memTable(pairs[2], value: 2)),
            SSTableSource(try Self.sstable(pairs[3], value: 3, fileSystem: fileSystem, number: 1)),
            LevelSource(levelFiles), MemTableSource(MemTable()),
        ]
        let iterator = MergingIterator(sources)
        try iterator.seekToFirst()
        let merged = try Self.drain(iterator)

        var expected: [[UInt8]: [Int]] = [:]
        for (index, keys) in keySets.enumerated() {
            for key in keys { expected[Self.key(key[0], key[1]), default: []].append(index) }
        }
        let expectedKeys = expected.keys.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(merged.map(\.key) == expectedKeys, "every key once, in order")
        for entry in merged {
            #expect(entry.group == expected[entry.key]?.sorted(), "the group lists each source holding the key, in source order")
            #expect(entry.values == entry.group.map { UInt8($0) }, "each member is positioned on its own fragment")
        }
    }

    @Test func seekPositionsEverySourceAtTheFirstKeyAtOrAfter() throws {
        let sources: [any RowSource] = [
            MemTableSource(Self.memTable([(1, 1), (1, 5), (3, 0)], value: 0)),
            MemTableSource(Self.memTable([(1, 5), (2, 0)], value: 1)),
        ]
        let iterator = MergingIterator(sources)
        try Self.key(1, 2).withUnsafeBytes { try iterator.seek($0) }
        let fromMiddle = try Self.drain(iterator)
        #expect(fromMiddle.map(\.key) == [Self.key(1, 5), Self.key(2, 0), Self.key(3, 0)])
        #expect(fromMiddle.map(\.group) == [[0, 1], [1], [0]])
        try RowKey.partitionPrefix([2]).withUnsafeBytes { try iterator.seek($0) }
        #expect(try Self.drain(iterator).map(\.key) == [Self.key(2, 0), Self.key(3, 0)])
        try Self.key(9, 0).withUnsafeBytes { try iterator.seek($0) }
        #expect(!iterator.isValid)
        try iterator.seekToFirst()
        #expect(try Self.drain(iterator).count == 4)
    }

    @Test func noSourcesOrOnlyEmptySourcesIsInvalid() throws {
        let none = MergingIterator([])
        try none.seekToFirst()
        #expect(!none.isValid)
        let empty = MergingIterator([MemTableSource(MemTable()), MemTableSource(MemTable())])
        try empty.seekToFirst()
        #expect(!empty.isValid)
    }
}
