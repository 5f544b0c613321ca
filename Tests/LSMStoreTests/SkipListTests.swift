import Foundation
import KVCore
import Synchronization
import Testing
@testable import LSMStore

@Suite struct SkipListTests {
    private static func insert(_ list: SkipList, _ key: [UInt8], _ value: [UInt8],
                               merge: (UnsafeRawBufferPointer) -> [UInt8]? = { _ in nil }) {
        key.withUnsafeBytes { keyBuffer in
            _ = value.withUnsafeBytes { valueBuffer in list.upsert(keyBuffer, value: valueBuffer, merge: merge) }
        }
    }

    private static func get(_ list: SkipList, _ key: [UInt8]) -> [UInt8]? {
        key.withUnsafeBytes { list.get($0).map { Array($0) } }
    }

    /// Every (key, value) from the first node on, following level-0 links.
    private static func entries(_ list: SkipList) -> [(key: [UInt8], value: [UInt8])] {
        var result: [(key: [UInt8], value: [UInt8])] = []
        var node = list.first
        while let current = node {
            result.append((Array(SkipList.key(current)), Array(SkipList.value(current))))
            node = SkipList.next(current, 0)
        }
        return result
    }

    private static func randomKey(_ random: any RandomSource) -> [UInt8] {
        // Keys of 0 to 11 bytes over a small alphabet with zeros: shared prefixes, duplicates,
        // the empty key, and keys on both sides of the 8-byte prefix the list compares first
        // (a short key and its zero-padded longer twin have equal prefixes).
        (0..<random.next(in: 0..<12)).map { _ in UInt8([0, 1, 0x7F, 0x80, 0xFF][random.next(in: 0..<5)]) }
    }

    private static func firstKey(atLeast probe: [UInt8], in sorted: [[UInt8]]) -> [UInt8]? {
        sorted.first { !$0.lexicographicallyPrecedes(probe) }
    }

    @Test func randomInsertsMatchASortedDictionary() {
        let random = SeededRandomSource(seed: 31)
        let list = SkipList()
        var model: [[UInt8]: [UInt8]] = [:]
        for index in 0..<3_000 {
            let key = Self.randomKey(random)
            let value = withUnsafeBytes(of: UInt32(index)) { Array($0) }
            Self.insert(list, key, value) { _ in value }  // replace on duplicates
            model[key] = value
        }
        let sortedKeys = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
        let entries = Self.entries(list)
        #expect(entries.map(\.key) == sortedKeys)
        #expect(entries.allSatisfy { model[$0.key] == $0.value })
        #expect(list.count == model.count)
        for key in sortedKeys { #expect(Self.get(list, key) == model[key]) }
        #expect(Self.get(list, [0x42]) == nil)
    }

    @Test func upsertCallsMergeOnlyForAnExistingKey() {
        let list = SkipList()
        var calls: [[UInt8]] = []
        Self.insert(list, [1], [10]) { old in calls.append(Array(old)); return nil }
        #expect(calls.isEmpty, "no merge for a new key")
        #expect(Self.get(list, [1]) == [10])
        Self.insert(list, [1], [11]) { old in calls.append(Array(old)); return nil }
        #expect(calls == [[10]])
        #expect(Self.get(list, [1]) == [10], "a nil merge keeps the old value")
        Self.insert(list, [1], [12]) { old in calls.append(Array(old)); return Array(old) + [99, 98] }
        #expect(calls == [[10], [10]])
        #expect(Self.get(list, [1]) == [10, 99, 98])
        #expect(list.count == 1)
    }

    @Test func emptyKeysAndValuesAndLargeValues() {
        let list = SkipList()
        Self.insert(list, [], [])
        let big = [UInt8](repeating: 0xAB, count: 600_000)  // above the arena's dedicated-chunk size
        Self.insert(list, [5], big)
        #expect(Self.get(list, []) == [])
        #expect(Self.get(list, [5]) == big)
        #expect(Self.entries(list).map(\.key) == [[], [5]])
        #expect(list.memoryBytes >= big.count)
    }

    @Test func findGreaterOrEqualFindsTheCeiling() {
        let random = SeededRandomSource(seed: 32)
        let list = SkipList()
        var keys = Set<[UInt8]>()
        for _ in 0..<500 {
            let key = Self.randomKey(random)
            keys.insert(key)
            Self.insert(list, key, [])
        }
        let sorted = keys.sorted { $0.lexicographicallyPrecedes($1) }
        for _ in 0..<1_000 {
            let probe = Self.randomKey(random) + (random.chance(0.3) ? [0x40] : [])
            let found = probe.withUnsafeBytes { list.findGreaterOrEqual($0).map { Array(SkipList.key($0)) } }
            #expect(found == Self.firstKey(atLeast: probe, in: sorted), "probe \(probe)")
        }
        #expect([UInt8]([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).withUnsafeBytes { list.findGreaterOrEqual($0) } == nil)
    }

    /// Every level's links in strictly increasing key order, and level 0 holding `count` nodes:
    /// an insert that started from a wrong node would break one of them.
    private static func levelsAreOrdered(_ list: SkipList) -> Bool {
        for level in 0..<SkipList.maxHeight {
            var previous: [UInt8]?
            var visited = 0
            var node = SkipList.next(list.head, level)
            while let current = node {
                let key = Array(SkipList.key(current))
                if let previous, !previous.lexicographicallyPrecedes(key) { return false }
                previous = key
                visited += 1
                node = SkipList.next(current, level)
            }
            if level == 0, visited != list.count { return false }
        }
        return true
    }

    /// Past `SkipListFingers.activationKeyCount` keys, inserts start from fingers. Keys as
    /// the memtable's (a token's 8 bytes, then more) in one shard (top 3 bits shared), with
    /// some from other shards, so some fingers are above the keys searched and must be
    /// passed over, and duplicates, so inserts from a finger find existing keys.
    @Test func bigListsInsertFromFingersAndStaySorted() {
        let random = SeededRandomSource(seed: 33)
        let list = SkipList()
        var model: [[UInt8]: [UInt8]] = [:]
        var keys: [[UInt8]] = []
        for index in 0..<(3 * SkipListFingers.activationKeyCount) {
            var token = random.nextUInt64()
            if !random.chance(0.1) { token = token & ~(UInt64(7) << 61) | (UInt64(5) << 61) }
            var key = withUnsafeBytes(of: token.bigEndian) { Array($0) } + (0..<random.next(in: 0..<4)).map { _ in UInt8(random.next(in: 0..<3)) }
            if !keys.isEmpty, random.chance(0.2) { key = keys[random.next(in: 0..<keys.count)] }
            keys.append(key)
            let value = withUnsafeBytes(of: UInt32(index)) { Array($0) }
            Self.insert(list, key, value) { _ in value }
            model[key] = value
        }
        Self.expectHolds(list, model)
    }

    /// `list` holds exactly `model`'s keys, in order on every level, and reads back its values.
    private static func expectHolds(_ list: SkipList, _ model: [[UInt8]: [UInt8]]) {
        let sortedKeys = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
        // Compared whole, not per element: a failure would print thousands of keys.
        let keysMatch = entries(list).map(\.key) == sortedKeys
        #expect(keysMatch, "the list's keys are not the model's in order")
        #expect(list.count == model.count)
        #expect(levelsAreOrdered(list))
        let misread = sortedKeys.filter { get(list, $0) != model[$0] }
        #expect(misread.isEmpty, "\(misread.count) keys read back wrong, first \(misread.first ?? [])")
    }

    /// Inserts taller than the fingers' levels search from the head. A list draws the same
    /// heights every time; its first such node comes at the 84,342nd insert.
    @Test func insertsTallerThanTheFingerLevelsSearchFromTheHead() {
        let list = SkipList()
        let random = SeededRandomSource(seed: 34)
        let keyCount = 100_000
        for _ in 0..<keyCount {
            // Token-like keys of one memtable shard (top 3 bits shared), all distinct.
            let token = random.nextUInt64() & ~(UInt64(7) << 61) | (UInt64(5) << 61)
            Self.insert(list, withUnsafeBytes(of: token.bigEndian) { Array($0) }, [1])
        }
        #expect(list.count == keyCount)
        #expect(Self.levelsAreOrdered(list))
        #expect(SkipList.next(list.head, SkipListFingers.levelCount + 1) != nil, "no node was taller than the finger levels")
    }

    private static func insertUnlinked(_ list: SkipList, _ key: [UInt8], _ value: [UInt8]) -> UnsafeMutableRawPointer {
        key.withUnsafeBytes { keyBuffer in value.withUnsafeBytes { list.insertUnlinked(keyBuffer, value: $0) } }
    }

    @Test func unlinkedNodesAreHiddenUntilLinked() {
        let list = SkipList()
        Self.insert(list, [5], [50])
        let nodes = [[9], [1], [7, 0]].map { Self.insertUnlinked(list, $0, $0 + [0xEE]) }
        #expect(list.count == 4 && list.hasUnlinked)
        #expect(nodes.map { Array(SkipList.key($0)) } == [[9], [1], [7, 0]], "the caller reaches them by their nodes")
        #expect(nodes.map { Array(SkipList.value($0)) } == [[9, 0xEE], [1, 0xEE], [7, 0, 0xEE]])
        #expect(Self.entries(list).map(\.key) == [[5]], "a walk sees only linked nodes")
        #expect(Self.get(list, [1]) == nil)
        list.linkUnlinked()
        #expect(!list.hasUnlinked)
        #expect(Self.entries(list).map(\.key) == [[1], [5], [7, 0], [9]])
        #expect(Self.get(list, [7, 0]) == [7, 0, 0xEE])
        #expect(Self.levelsAreOrdered(list))
    }

    @Test func upsertLinksTheUnlinkedFirst() {
        let list = SkipList()
        _ = Self.insertUnlinked(list, [3], [30])
        Self.insert(list, [2], [20])
        #expect(!list.hasUnlinked)
        #expect(Self.entries(list).map(\.key) == [[2], [3]])
        Self.insert(list, [3], [31]) { _ in [33] }
        #expect(Self.get(list, [3]) == [33], "the linked node is found and merged into")
        #expect(list.count == 2)
    }

    @Test func mergeValueReplacesUnlessTheMergeDeclines() {
        let list = SkipList()
        let node = Self.insertUnlinked(list, [4], [1])
        list.mergeValue(of: node) { old in Array(old) + [2] }
        #expect(Array(SkipList.value(node)) == [1, 2])
        list.mergeValue(of: node) { _ in nil }
        #expect(Array(SkipList.value(node)) == [1, 2])
    }

    /// Linked and unlinked inserts mixed, in big lists with fingers (memtable-like keys of
    /// one shard and some of others), linked in batches of every size: the list ends up
    /// holding the model in order on every level.
    @Test func batchesOfUnlinkedNodesLinkInOrderAmongLinkedOnes() {
        let random = SeededRandomSource(seed: 35)
        let list = SkipList()
        var model: [[UInt8]: [UInt8]] = [:]
        for index in 0..<(4 * SkipListFingers.activationKeyCount) {
            var token = random.nextUInt64()
            if !random.chance(0.1) { token = token & ~(UInt64(7) << 61) | (UInt64(5) << 61) }
            let key = withUnsafeBytes(of: token.bigEndian) { Array($0) } + (0..<random.next(in: 0..<3)).map { _ in UInt8(random.next(in: 0..<3)) }
            let value = withUnsafeBytes(of: UInt32(index)) { Array($0) }
            if model[key] == nil, random.chance(0.7) {
                _ = Self.insertUnlinked(list, key, value)
            } else {
                Self.insert(list, key, value) { _ in value }
            }
            model[key] = value
            if random.chance(0.002) { list.linkUnlinked() }
        }
        list.linkUnlinked()
        Self.expectHolds(list, model)
    }

    @Test func memoryGrowsWithInserts() {
        let list = SkipList()
        var last = list.memoryBytes
        for index in 0..<100 {
            Self.insert(list, withUnsafeBytes(of: UInt32(index).bigEndian) { Array($0) }, [UInt8](repeating: 1, count: 50))
            #expect(list.memoryBytes > last)
            last = list.memoryBytes
        }
        #expect(last >= 100 * (4 + 50))
    }

    /// One writer inserts while readers walk the list: every walk sees strictly increasing,
    /// complete keys (each key carries its own check bytes) and never fewer keys than before.
    @Test func concurrentReadersSeeSortedCompleteKeys() {
        let list = SkipList()
        let keyCount = 20_000
        let shared = SkipListReaderState()
        let group = DispatchGroup()
        func key(_ number: UInt32) -> [UInt8] {
            // Scrambled order; the last four bytes are the complement of the first four.
            let scrambled = number &* 2_654_435_761
            return withUnsafeBytes(of: scrambled.bigEndian) { Array($0) } + withUnsafeBytes(of: (~scrambled).bigEndian) { Array($0) }
        }
        for reader in 0..<3 {
            group.enter()
            Thread {
                defer { group.leave() }
                var previousCount = 0
                while !shared.done.load(ordering: .acquiring) {
                    var count = 0
                    var previous: [UInt8]?
                    var node = list.first
                    while let current = node {
                        let bytes = Array(SkipList.key(current))
                        let isComplete = bytes.count == 8 && zip(bytes[..<4], bytes[4...]).allSatisfy { $0 == ~$1 }
                            && Array(SkipList.value(current)) == bytes
                        if !isComplete { shared.problems.withLock { $0.append("reader \(reader): torn entry \(bytes)") } }
                        if let previous, !previous.lexicographicallyPrecedes(bytes) {
                            shared.problems.withLock { $0.append("reader \(reader): \(previous) before \(bytes)") }
                        }
                        previous = bytes
                        count += 1
                        node = SkipList.next(current, 0)
                    }
                    if count < previousCount { shared.problems.withLock { $0.append("reader \(reader): shrank") } }
                    previousCount = count
                    shared.walks.add(1, ordering: .relaxed)
                }
            }.start()
        }
        // Let every reader start walking before the writer does.
        while shared.walks.load(ordering: .relaxed) < 3 { usleep(100) }
        for number in 0..<UInt32(keyCount) {
            let bytes = key(number)
            Self.insert(list, bytes, bytes)
        }
        shared.done.store(true, ordering: .releasing)
        group.wait()
        #expect(shared.problems.withLock { $0 }.isEmpty, "\(shared.problems.withLock { $0.prefix(5) })")
        #expect(Self.entries(list).count == keyCount)
        #expect(shared.walks.load(ordering: .relaxed) >= 3)
    }
}

/// What the reader threads of the concurrency test share.
private final class SkipListReaderState: Sendable {
    let done = Atomic<Bool>(false)
    let walks = Atomic<Int>(0)
    let problems = Mutex<[String]>([])
}
