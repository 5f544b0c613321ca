import KVCore
import Testing
@testable import LSMStore

@Suite struct BlockCacheTests {
    /// A block whose charge is `(size + 96)` bytes.
    static func block(size: Int) throws -> Block {
        var builder = BlockBuilder(restartInterval: 16)
        let value = [UInt8](repeating: 1, count: max(0, size - 11))
        [UInt8]([1]).withUnsafeBytes { key in value.withUnsafeBytes { builder.add(key: key, value: $0) } }
        return try Block.parse(copying: builder.finish())
    }

    static func key(_ offset: Int, file: UInt64 = 1) -> BlockCache.Key {
        BlockCache.Key(fileNumber: file, offset: offset)
    }

    @Test func evictsLeastRecentlyUsedFirst() throws {
        let block = try Self.block(size: 1_000)
        let cache = BlockCache(capacityBytes: block.chargeBytes * 3, shardCount: 1)
        for offset in [0, 1, 2] { cache.insert(block, for: Self.key(offset)) }
        #expect(cache.block(for: Self.key(0)) != nil)   // 0 is now the most recent
        cache.insert(block, for: Self.key(3))           // evicts 1, the least recent
        #expect(cache.keysByRecency.map(\.offset) == [3, 0, 2])
        #expect(cache.block(for: Self.key(1)) == nil)
        cache.insert(block, for: Self.key(4))           // evicts 2
        #expect(cache.keysByRecency.map(\.offset) == [4, 3, 0])
        #expect(cache.hits == 1 && cache.misses == 1)
        #expect(cache.usedBytes == block.chargeBytes * 3)
    }

    @Test func capacityIsRespectedUnderManyInserts() throws {
        let blocks = try [100, 1_000, 5_000, 20_000].map { try Self.block(size: $0) }
        let cache = BlockCache(capacityBytes: 200_000)
        let random = SeededRandomSource(seed: 3)
        for index in 0..<5_000 {
            cache.insert(blocks[random.next(in: 0..<blocks.count)], for: Self.key(index, file: UInt64(index % 7)))
            #expect(cache.usedBytes <= cache.capacityBytes)
        }
        #expect(cache.usedBytes > cache.capacityBytes / 2)
        cache.removeAll(fileNumber: 3)
        #expect(!cache.keysByRecency.contains { $0.fileNumber == 3 })
    }

    @Test func replacingAKeyKeepsOneCopyAndOversizedBlocksAreNotKept() throws {
        let small = try Self.block(size: 100), large = try Self.block(size: 10_000)
        let cache = BlockCache(capacityBytes: 2_000, shardCount: 1)
        cache.insert(small, for: Self.key(0))
        cache.insert(small, for: Self.key(0))
        #expect(cache.blockCount == 1 && cache.usedBytes == small.chargeBytes)
        cache.insert(large, for: Self.key(1))
        #expect(cache.blockCount == 1 && cache.block(for: Self.key(1)) == nil)
        let empty = BlockCache(capacityBytes: 0)
        empty.insert(small, for: Self.key(0))
        #expect(empty.usedBytes == 0)
    }

    @Test func hitsAndMissesAreCountedAcrossThreads() async throws {
        let block = try Self.block(size: 500)
        let cache = BlockCache(capacityBytes: 10 << 20)
        for offset in 0..<100 { cache.insert(block, for: Self.key(offset)) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for offset in 0..<200 { _ = cache.block(for: Self.key(offset)) }
                }
            }
        }
        #expect(cache.hits == 400 && cache.misses == 400)
    }
}
