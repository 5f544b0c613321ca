import KVCore
import Testing
@testable import LSMStore

@Suite struct BlockTests {
    /// Sorted keys with shared prefixes of varying length, values of varying size (some empty).
    static func makeEntries(count: Int) -> [(key: [UInt8], value: [UInt8])] {
        (0..<count).map { index in
            let key = Array("user:\(index / 10):item:".utf8) + withUnsafeBytes(of: UInt32(index * 3).bigEndian) { Array($0) }
            let value = index % 5 == 0 ? [] : [UInt8](repeating: UInt8(index & 0xFF), count: index % 37)
            return (key, value)
        }.sorted { compareBytes($0.key, $1.key) < 0 }
    }

    static func build(_ entries: [(key: [UInt8], value: [UInt8])], restartInterval: Int,
                      hashIndex: Bool = true) throws -> Block {
        var builder = BlockBuilder(restartInterval: restartInterval, buildsHashIndex: hashIndex)
        for entry in entries {
            entry.key.withUnsafeBytes { key in entry.value.withUnsafeBytes { value in builder.add(key: key, value: value) } }
        }
        return try Block.parse(copying: builder.finish())
    }

    @Test(arguments: [1, 2, 16, 1_000])
    func iterationReturnsEveryEntry(restartInterval: Int) throws {
        let entries = Self.makeEntries(count: 500)
        let block = try Self.build(entries, restartInterval: restartInterval)
        #expect(block.restartCount == (entries.count + restartInterval - 1) / restartInterval)
        let iterator = BlockIterator()
        iterator.reset(block)
        try iterator.seekToFirst()
        var seen: [(key: [UInt8], value: [UInt8])] = []
        while iterator.isValid {
            seen.append((Array(iterator.key), Array(iterator.value)))
            try iterator.next()
        }
        #expect(seen.count == entries.count)
        #expect(zip(seen, entries).allSatisfy { $0.key == $1.key && $0.value == $1.value })
    }

    @Test(arguments: [1, 3, 16])
    func seekFindsTheFirstKeyAtOrAfterTheTarget(restartInterval: Int) throws {
        let entries = Self.makeEntries(count: 300)
        let block = try Self.build(entries, restartInterval: restartInterval)
        let iterator = BlockIterator()
        iterator.reset(block)
        for (index, entry) in entries.enumerated() {
            try seek(iterator, entry.key)
            #expect(Array(iterator.key) == entry.key && Array(iterator.value) == entry.value)
            // Between this key and the next.
            try seek(iterator, entry.key + [0])
            #expect(currentKey(iterator) == (index + 1 < entries.count ? entries[index + 1].key : nil))
            // Just below this key: a shorter prefix.
            try seek(iterator, Array(entry.key.dropLast()))
            #expect(currentKey(iterator) == entries.first { compareBytes($0.key, Array(entry.key.dropLast())) >= 0 }?.key)
        }
        try seek(iterator, [])
        #expect(currentKey(iterator) == entries[0].key)
        try seek(iterator, [0xFF, 0xFF])
        #expect(currentKey(iterator) == nil)
    }

    @Test(arguments: [1, 4, 16], [true, false])
    func pointLookupsFindExactlyTheStoredKeys(restartInterval: Int, hashIndex: Bool) throws {
        let entries = Self.makeEntries(count: 300)
        let block = try Self.build(entries, restartInterval: restartInterval, hashIndex: hashIndex)
        // 300 restart points are more than a hash slot can name.
        #expect(block.hasHashIndex == (hashIndex && restartInterval > 1))
        for entry in entries {
            #expect(try lookUp(block, entry.key) == entry.value)
            #expect(try lookUp(block, entry.key + [0]) == nil)
            #expect(try lookUp(block, Array(entry.key.dropLast())) == nil)
        }
        #expect(try lookUp(block, []) == nil)
        #expect(try lookUp(block, [0xFF]) == nil)
    }

    @Test func theHashIndexTakesTwoSlotsOfTwoBytesPerKey() throws {
        let entries = Self.makeEntries(count: 200)
        let indexed = try Self.build(entries, restartInterval: 4)
        let plain = try Self.build(entries, restartInterval: 4, hashIndex: false)
        #expect(indexed.hasHashIndex && !plain.hasHashIndex)
        #expect(indexed.bytes.count == plain.bytes.count + 2 * 2 * entries.count + 2)
        #expect(indexed.restartsOffset == plain.restartsOffset && indexed.restartCount == plain.restartCount)
        // Keys that fill most slots still all resolve: 255 restart points, the most a slot names.
        let crowded = Self.makeEntries(count: 255)
        let block = try Self.build(crowded, restartInterval: 1)
        #expect(block.hasHashIndex)
        for entry in crowded { #expect(try lookUp(block, entry.key) == entry.value) }
        #expect(try !Self.build(Self.makeEntries(count: 256), restartInterval: 1).hasHashIndex)
    }

    @Test func emptyBlockAndEmptyKeysAndValues() throws {
        let empty = try Self.build([], restartInterval: 16)
        #expect(empty.isEmpty)
        let iterator = BlockIterator()
        iterator.reset(empty)
        try iterator.seekToFirst()
        #expect(!iterator.isValid)
        try seek(iterator, [1])
        #expect(!iterator.isValid)
        #expect(try lookUp(empty, [1]) == nil)

        let block = try Self.build([([], []), ([0], []), ([0, 0], [1])], restartInterval: 2)
        #expect(try lookUp(block, []) == [])
        #expect(try lookUp(block, [0]) == [])
        #expect(try lookUp(block, [0, 0]) == [1])
        iterator.reset(block)
        try seek(iterator, [0])
        #expect(Array(iterator.key) == [0] && iterator.value.isEmpty)
    }

    @Test func damagedBlocksThrowInsteadOfTrapping() throws {
        let bytes = {
            var builder = BlockBuilder(restartInterval: 4)
            for entry in Self.makeEntries(count: 60) {
                entry.key.withUnsafeBytes { key in entry.value.withUnsafeBytes { value in builder.add(key: key, value: value) } }
            }
            return builder.finish()
        }()
        let random = SeededRandomSource(seed: 5)
        for round in 0..<2_000 {
            var damaged = bytes
            for _ in 0..<(1 + round % 4) {
                damaged[random.next(in: 0..<damaged.count)] ^= UInt8(1 + random.next(in: 0..<255))
            }
            if round % 7 == 0 { damaged.removeLast(random.next(in: 0..<damaged.count)) }
            exercise(damaged)
        }
        for length in 0..<64 { exercise((0..<length).map { _ in UInt8(random.next(in: 0..<256)) }) }
    }

    /// Runs every operation over possibly damaged bytes; errors are fine, traps are not.
    private func exercise(_ bytes: [UInt8]) {
        guard let block = try? Block.parse(copying: bytes) else { return }
        let iterator = BlockIterator()
        iterator.reset(block)
        var steps = 0
        try? iterator.seekToFirst()
        while iterator.isValid && steps < 10_000 {
            steps += 1
            if (try? iterator.next()) == nil { break }
        }
        try? seek(iterator, Array("user:3".utf8))
        _ = try? lookUp(block, Array("user:3:item:".utf8) + [0, 0, 0, 90])
    }

    private func seek(_ iterator: BlockIterator, _ key: [UInt8]) throws {
        try key.withUnsafeBytes { buffer in
            try Result { () throws(DecodeError) in try iterator.seek(buffer) }.get()
        }
    }

    private func currentKey(_ iterator: BlockIterator) -> [UInt8]? {
        iterator.isValid ? Array(iterator.key) : nil
    }

    private func lookUp(_ block: Block, _ key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { buffer in
            try Result { () throws(DecodeError) in try block.value(forKey: buffer).map { Array($0) } }.get()
        }
    }
}
