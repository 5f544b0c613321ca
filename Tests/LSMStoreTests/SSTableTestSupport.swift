import Foundation
import KVCore
@testable import LSMStore

/// Deterministic SSTable inputs shared by the SSTable tests.
enum SSTableTestData {
    /// A packed row key and its encoded row.
    struct Entry: Sendable {
        var key: [UInt8]
        var row: Row
        var encoded: [UInt8]
    }

    /// The column with 4-byte big-endian signed integers (per-block stats use it).
    static let intColumn: UInt32 = 1
    /// The column with text of varied length.
    static let textColumn: UInt32 = 2

    /// The partition key of partition `number`: 8 bytes big-endian, so some contain zero
    /// bytes and exercise the partition-key escaping.
    static func partitionKey(_ number: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(number * 7 + 1).bigEndian) { Array($0) }
    }

    /// The clustering key of row `number` within its partition.
    static func clustering(_ number: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt32(number * 2).bigEndian) { Array($0) }
    }

    /// 50,000 rows over 10,000 partitions, sorted, with varied sizes and cell kinds.
    static let standard: [Entry] = entries(partitionCount: 10_000, rowsPerPartition: 5, seed: 42)

    /// `partitionCount * rowsPerPartition` rows in key order.
    static func entries(partitionCount: Int, rowsPerPartition: Int, seed: UInt64) -> [Entry] {
        let random = SeededRandomSource(seed: seed)
        var result: [Entry] = []
        result.reserveCapacity(partitionCount * rowsPerPartition)
        for partition in 0..<partitionCount {
            let partitionKey = partitionKey(partition)
            for index in 0..<rowsPerPartition {
                let row = makeRow(clustering: clustering(index), random: random)
                result.append(Entry(key: RowKey.encode(partition: partitionKey, clustering: row.clustering),
                                    row: row, encoded: RowCodec.encode(row)))
            }
        }
        return result
    }

    /// A row with an int cell, usually a text cell of random size, sometimes a tombstone,
    /// an expiring cell or a row deletion.
    static func makeRow(clustering: [UInt8], random: any RandomSource) -> Row {
        let timestamp = Int64(1_000_000 + random.next(in: 0..<1_000_000))
        let intValue = Int32(truncatingIfNeeded: random.next(in: -100_000..<100_000))
        var cells = [Cell.live(column: intColumn, timestamp: timestamp,
                               value: withUnsafeBytes(of: intValue.bigEndian) { Array($0) })]
        switch random.next(in: 0..<20) {
        case 0:
            cells.append(.tombstone(column: textColumn, timestamp: timestamp + 1, nowSeconds: 5_000 + Int64(random.next(in: 0..<100))))
        case 1:
            cells.append(.expiring(column: textColumn, timestamp: timestamp, value: text(random, maxLength: 40),
                                   ttlSeconds: 600, nowSeconds: 7_000))
        case 2:
            cells.append(.live(column: textColumn, timestamp: timestamp, value: text(random, maxLength: 3_000)))
        case 3:
            break
        default:
            cells.append(.live(column: textColumn, timestamp: timestamp, value: text(random, maxLength: 120)))
        }
        let deletion = random.next(in: 0..<50) == 0 ? DeletionTime(timestamp: timestamp - 10, localSeconds: 4_000) : nil
        return Row(clustering: clustering, deletion: deletion, cells: cells)
    }

    static func text(_ random: any RandomSource, maxLength: Int) -> [UInt8] {
        let length = random.next(in: 0..<(maxLength + 1))
        return (0..<length).map { index in UInt8(97 + (index * 7 + length) % 26) }
    }

    /// Range tombstones and partition deletions on every 97th partition, plus some on
    /// partitions past the last row.
    static func tombstones(partitionCount: Int) -> [PartitionTombstones] {
        var result: [PartitionTombstones] = []
        for partition in stride(from: 3, to: partitionCount + 300, by: 97) {
            var tombstones = PartitionTombstones(partitionPrefix: RowKey.partitionPrefix(partitionKey(partition)))
            if partition % 2 == 1 { tombstones.deletion = DeletionTime(timestamp: 900_000 + Int64(partition), localSeconds: 3_000) }
            tombstones.ranges = [RangeTombstone(start: ClusteringBound(prefix: clustering(1), isInclusive: true),
                                                end: ClusteringBound(prefix: clustering(2), isInclusive: false),
                                                deletion: DeletionTime(timestamp: 2_500_000, localSeconds: 2_000))]
            result.append(tombstones)
        }
        return result.sorted { compareBytes($0.partitionPrefix, $1.partitionPrefix) < 0 }
    }

    /// Writes `entries` and `tombstones` to `path`; returns the writer's statistics.
    @discardableResult
    static func write(_ entries: [Entry], tombstones: [PartitionTombstones] = [], path: String,
                      fileSystem: any FileSystem, options: SSTableWriterOptions) throws -> SSTableStatistics {
        let writer = try SSTableWriter(path: path, fileSystem: fileSystem, options: options)
        var pending = tombstones[...]
        for entry in entries {
            // Interleave tombstones with rows, as a flush would.
            while let next = pending.first, compareBytes(next.partitionPrefix, entry.key) < 0 {
                try writer.add(next)
                pending = pending.dropFirst()
            }
            try writer.add(key: entry.key, row: entry.encoded)
        }
        for remaining in pending { try writer.add(remaining) }
        return try writer.finish()
    }

    /// A fresh directory under /tmp for tests on the real file system.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "sstable-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

extension StoreError {
    /// The file and offset of a corruption error, or nil for any other error.
    var corruptionLocation: (file: String, offset: Int)? {
        if case let .corruption(file, offset, _) = self { return (file, offset) }
        return nil
    }
}

extension SSTableReader {
    /// The row under an array key.
    func get(_ key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { try get($0) }
    }

    /// Every (key, value) pair from the start, in order.
    func allEntries(filter: ((BlockStatistics) -> Bool)? = nil) throws -> [(key: [UInt8], value: [UInt8])] {
        let iterator = makeIterator()
        if let filter { iterator.blockFilter = { filter(self.blockStatistics($0)) } }
        var result: [(key: [UInt8], value: [UInt8])] = []
        try iterator.seekToFirst()
        while iterator.isValid {
            result.append((Array(iterator.key), Array(iterator.value)))
            try iterator.next()
        }
        return result
    }
}
