import Foundation
import KVCore
import Synchronization
import Testing
@testable import LSMStore

@Suite struct PartitionIndexTests {
    /// Inserts `key` into the list and records its node in the index, as the memtable does.
    private static func insert(_ key: [UInt8], prefixLength: Int, list: SkipList, index: PartitionIndex) {
        key.withUnsafeBytes { keyBuffer in
            let node = [UInt8]([1]).withUnsafeBytes { list.upsert(keyBuffer, value: $0, merge: { _ in nil }) }
            index.noteRow(node, partitionPrefix: UnsafeRawBufferPointer(rebasing: keyBuffer[..<prefixLength]))
        }
    }

    private static func firstRow(_ prefix: [UInt8], _ index: PartitionIndex) -> [UInt8]? {
        prefix.withUnsafeBytes { index.firstRow(ofPartition: $0).map { Array(SkipList.key($0)) } }
    }

    /// What a skiplist search answers: the first key of the partition, if any.
    private static func searchedFirstRow(_ prefix: [UInt8], _ list: SkipList) -> [UInt8]? {
        prefix.withUnsafeBytes { buffer -> [UInt8]? in
            guard let node = list.findGreaterOrEqual(buffer) else { return nil }
            let key = Array(SkipList.key(node))
            return key.starts(with: prefix) ? key : nil
        }
    }

    @Test func findsTheFirstRowOfEveryPartitionThroughGrowth() {
        let list = SkipList()
        let index = PartitionIndex()
        var random = SystemRandomNumberGenerator()
        var partitions: [[UInt8]] = []
        for number in 0..<3_000 {
            // Zero bytes exercise the escaping; some keys extend others.
            var key = withUnsafeBytes(of: UInt32(number).bigEndian) { Array($0) }
            if number % 7 == 0 { key.append(0) }
            partitions.append(key)
        }
        var rows: [([UInt8], Int)] = []
        for partition in partitions {
            let prefix = RowKey.partitionPrefix(partition)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                rows.append((prefix + [UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random)],
                             prefix.count))
            }
        }
        rows.shuffle(using: &random)
        for (key, prefixLength) in rows { Self.insert(key, prefixLength: prefixLength, list: list, index: index) }

        for partition in partitions {
            let prefix = RowKey.partitionPrefix(partition)
            let expected = Self.searchedFirstRow(prefix, list)
            #expect(expected != nil)
            #expect(Self.firstRow(prefix, index) == expected, "partition \(partition)")
        }
        #expect(index.memoryBytes > PartitionIndex.initialCapacity * PartitionIndex.slotBytes, "the index grew")
    }

    @Test func answersNilForAbsentPartitions() {
        let list = SkipList()
        let index = PartitionIndex()
        for number in stride(from: 0, to: 2_000, by: 2) {
            let prefix = RowKey.partitionPrefix([UInt8(number >> 8), UInt8(number & 0xFF)])
            Self.insert(prefix + [9], prefixLength: prefix.count, list: list, index: index)
        }
        for number in stride(from: 1, to: 2_000, by: 2) {
            #expect(Self.firstRow(RowKey.partitionPrefix([UInt8(number >> 8), UInt8(number & 0xFF)]), index) == nil)
        }
        // A partition whose key extends a present one is a different partition.
        #expect(Self.firstRow(RowKey.partitionPrefix([0, 0, 0]), index) == nil)
        #expect(Self.firstRow(RowKey.partitionPrefix([0, 0]), index) != nil)
    }

    /// Readers on another thread find every partition the writer has finished inserting,
    /// while the writer keeps growing the table.
    @Test func concurrentReadersSeeEveryPublishedPartition() async {
        let list = SkipList()
        let index = PartitionIndex()
        let progress = Progress()
        let total = 20_000
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for number in 0..<total {
                    let key = Self.prefix(number)
                    Self.insert(key + [1], prefixLength: key.count, list: list, index: index)
                    progress.published.store(number + 1, ordering: .releasing)
                }
            }
            group.addTask {
                var checked = 0
                while checked < total {
                    let ready = progress.published.load(ordering: .acquiring)
                    guard ready > 0 else { continue }
                    if Self.firstRow(Self.prefix(Int.random(in: 0..<ready)), index) == nil {
                        progress.misses.add(1, ordering: .relaxed)
                    }
                    checked += 1
                }
            }
        }
        #expect(progress.misses.load(ordering: .relaxed) == 0)
    }

    private final class Progress: Sendable {
        let published = Atomic<Int>(0)
        let misses = Atomic<Int>(0)
    }

    private static func prefix(_ number: Int) -> [UInt8] {
        RowKey.partitionPrefix(withUnsafeBytes(of: UInt32(number).bigEndian) { Array($0) })
    }

    @Test func rangesInsideOnePartitionKnowItsPrefix() {
        let key: [UInt8] = [5, 0, 7]
        let prefixLength = RowKey.partitionPrefix(key).count
        #expect(ScanRange.partition(key).singlePartitionPrefixLength == prefixLength)
        let start = ClusteringBound(prefix: [1], isInclusive: true)
        let end = ClusteringBound(prefix: [3], isInclusive: false)
        #expect(ScanRange.slice(partition: key, start: start, end: end).singlePartitionPrefixLength == prefixLength)
        #expect(ScanRange.slice(partition: key, start: start, end: .unbounded).singlePartitionPrefixLength == prefixLength)
        #expect(ScanRange.partitions(from: key, to: [5, 0, 8]).singlePartitionPrefixLength == nil)
        #expect(ScanRange.partitions(after: key, to: nil).singlePartitionPrefixLength == nil)
        #expect(ScanRange.all.singlePartitionPrefixLength == nil)
    }
}
