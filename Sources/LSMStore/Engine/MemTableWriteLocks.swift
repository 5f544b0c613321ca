/// A table's write locks, one per memtable shard (`MemTable.shardIndex`). A write holds
/// its partition's shard lock while it logs and inserts, so writes to different shards run
/// at once; whatever must see no write between its log record and its insert (a memtable
/// switch, truncation, the commit-log frontier) holds all of them.
final class MemTableWriteLocks: Sendable {
    final class Shard: @unchecked Sendable {
        // @unchecked: `scratch` is only touched by the holder of `lock`.
        let lock = ConditionLock()
        /// Key-building space reused by inserts into this shard.
        var scratch: [UInt8] = []
    }

    let shards = (0..<MemTable.shardCount).map { _ in Shard() }

    /// Runs `body` holding the lock of `partitionKey`'s shard.
    func withShard<Result>(of partitionKey: [UInt8], _ body: (Shard) throws -> Result) rethrows -> Result {
        let shard = shards[MemTable.shardIndex(partitionKey: partitionKey)]
        return try shard.lock.withLock { try body(shard) }
    }

    /// Runs `body` holding every shard's lock (taken in shard order, so never deadlocks with
    /// another holder of all).
    func withAll<Result>(_ body: () throws -> Result) rethrows -> Result {
        try withAll(from: 0, body)
    }

    private func withAll<Result>(from index: Int, _ body: () throws -> Result) rethrows -> Result {
        guard index < shards.count else { return try body() }
        return try shards[index].lock.withLock { try withAll(from: index + 1, body) }
    }

    /// Waits, holding no lock before or after, for a `broadcast` or `timeoutMs`.
    func wait(timeoutMs: Int) {
        let lock = shards[0].lock
        lock.withLock { lock.wait(timeoutMs: timeoutMs) }
    }

    /// Wakes every waiter: writers held back in `withShard` and callers of `wait`.
    func broadcast() {
        for shard in shards { shard.lock.withLock { shard.lock.broadcast() } }
    }
}
