import Synchronization

/// A bounded LRU cache of decompressed SSTable blocks, shared by every reader of a store.
///
/// Blocks are keyed by (file number, block offset); file numbers must not be reused while a
/// cache holds their blocks (or call `removeAll(fileNumber:)` first). The cache is split
/// into shards, each an LRU list under its own `Mutex`, so threads rarely wait for each
/// other. Each shard holds at most `capacityBytes / shardCount` bytes of blocks (a block is
/// charged its size plus a small overhead); a block larger than a shard is not cached.
/// Thread-safe. A lookup costs a hash, a lock and a dictionary probe; it never allocates.
public final class BlockCache: Sendable {
    /// The identity of a cached block.
    struct Key: Hashable, Sendable {
        /// The SSTable's number (`SSTableReader.fileNumber`).
        var fileNumber: UInt64
        /// The block's offset in the file.
        var offset: Int
    }

    /// The shard count of `init(capacityBytes:)`.
    public static let defaultShardCount = 16

    private let shards: [BlockCacheShard]
    /// The most bytes the cache holds.
    public let capacityBytes: Int

    /// A cache of at most `capacityBytes` bytes of blocks (0 caches nothing).
    public convenience init(capacityBytes: Int) {
        self.init(capacityBytes: capacityBytes, shardCount: Self.defaultShardCount)
    }

    /// A cache with `shardCount` shards (at least 1); for tests of eviction order use 1.
    init(capacityBytes: Int, shardCount: Int) {
        precondition(capacityBytes >= 0 && shardCount >= 1, "invalid block cache configuration")
        self.capacityBytes = capacityBytes
        let shardCapacityBytes = capacityBytes / shardCount
        shards = (0..<shardCount).map { _ in BlockCacheShard(capacityBytes: shardCapacityBytes) }
    }

    private func shard(for key: Key) -> BlockCacheShard {
        let mixed = (key.fileNumber &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(truncatingIfNeeded: key.offset) &* 0xC2B2_AE3D_27D4_EB4F)
        return shards[Int(truncatingIfNeeded: (mixed >> 32) % UInt64(shards.count))]
    }

    /// The cached block, marked most recently used; nil (and a miss counted) if absent.
    func block(for key: Key) -> Block? {
        shard(for: key).state.withLock { $0.lookUp(key) }
    }

    /// Caches `block` as the most recently used, evicting least recently used blocks of its
    /// shard until it fits.
    func insert(_ block: Block, for key: Key) {
        shard(for: key).state.withLock { $0.insert(block, for: key) }
    }

    /// Drops every block of one file (for example when the file is deleted). Costs a pass
    /// over the whole cache.
    public func removeAll(fileNumber: UInt64) {
        for shard in shards {
            shard.state.withLock { $0.removeAll { $0.fileNumber == fileNumber } }
        }
    }

    /// Lookups that found their block.
    public var hits: Int { shards.reduce(0) { total, shard in total + shard.state.withLock { $0.hits } } }
    /// Lookups that did not.
    public var misses: Int { shards.reduce(0) { total, shard in total + shard.state.withLock { $0.misses } } }
    /// Bytes charged for the blocks held now (at most `capacityBytes`).
    public var usedBytes: Int { shards.reduce(0) { total, shard in total + shard.state.withLock { $0.usedBytes } } }
    /// Keys from most to least recently used, shard by shard (exact order with one shard).
    var keysByRecency: [Key] { shards.flatMap { shard in shard.state.withLock { $0.keysByRecency } } }
    /// Blocks held now.
    public var blockCount: Int { shards.reduce(0) { total, shard in total + shard.state.withLock { $0.count } } }
}

/// One shard of a `BlockCache`.
final class BlockCacheShard: Sendable {
    let state: Mutex<BlockLRUList>

    init(capacityBytes: Int) {
        state = Mutex(BlockLRUList(capacityBytes: capacityBytes))
    }
}
