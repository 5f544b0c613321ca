import KVCore
import Synchronization

/// The in-memory, sorted part of a table's LSM: row fragments by packed row key in
/// skiplists, one per key range (`MemTableShard`), and partition-level tombstones in a small
/// map.
///
/// Writers of one shard are serialised by the owning `LSMTable` (its write lock for that
/// shard); writers of different shards run at once. Readers never lock the skiplists but to
/// link the rows of new partitions, which writers leave unlinked (`MemTableShard.insert`),
/// before a walk in key order. A
/// memtable becomes immutable when full and is then flushed to an SSTable;
/// `pendingWriters` counts writes registered against it whose commit-log record is waiting
/// to become durable, and a flush waits for them.
final class MemTable: @unchecked Sendable {
    /// Shards per memtable. Keys that start with the token spread evenly over them, so two
    /// writer threads rarely meet on a shard's lock (perf: with one lock, waiting for it was
    /// a fifth of a node's CPU on writes from two event loops).
    static let shardCount = 8

    /// The shards in key order: shard `i` holds the keys whose first byte is in its range.
    let shards = (0..<MemTable.shardCount).map { _ in MemTableShard() }
    private let tombstoneMap = Mutex<[[UInt8]: PartitionTombstones]>([:])
    /// Number of partitions with tombstones (read without the lock by the read path's fast check).
    private let tombstonePartitions = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    /// Writes registered but not yet applied (their commit-log record awaits fsync).
    let pendingWriters = Atomic<Int>(0)
    /// When the memtable was switched out: the commit-log position after which this
    /// table's later records live. Set once, under all of the table's write locks.
    var switchPosition: CommitLogPosition?

    /// The shard of a packed key starting with `firstByte` (nil: empty key). Monotonic, so
    /// the shards in order hold the keys in order.
    @inline(__always) static func shardIndex(firstByte: UInt8?) -> Int {
        Int(firstByte ?? 0) * shardCount / 256
    }

    /// The shard holding the rows and tombstones of partition `partitionKey` (unpacked: its
    /// first byte is the packed key's first byte, as escaping only adds bytes after a zero).
    static func shardIndex(partitionKey: [UInt8]) -> Int { shardIndex(firstByte: partitionKey.first) }

    static func shardIndex(key: UnsafeRawBufferPointer) -> Int { shardIndex(firstByte: key.first) }

    /// Approximate memory in use, in bytes.
    var memoryBytes: Int { shards.reduce(bytes.load(ordering: .relaxed)) { $0 + $1.memoryBytes } }

    /// The memtable's size, asked after a write to the shard of `partitionKey`; nil while
    /// that shard, with the partition tombstones, has grown by less than a 64th of `limit`
    /// since it last summed the shards. Summing reads counters the other writer threads keep
    /// writing: per write that was 2.5% of a node's CPU on writes (perf). A memtable can so
    /// pass `limit` by at most a 64th of it per shard (an eighth of `limit` in all).
    func summedSize(towards limit: Int, afterWritingTo partitionKey: [UInt8]) -> Int? {
        let shard = shards[Self.shardIndex(partitionKey: partitionKey)]
        let seen = shard.memoryBytes + bytes.load(ordering: .relaxed)
        guard seen - shard.bytesWhenLastSummed.load(ordering: .relaxed) >= max(1, limit / 64) else { return nil }
        shard.bytesWhenLastSummed.store(seen, ordering: .relaxed)
        return memoryBytes
    }

    /// Number of distinct row keys.
    var rowCount: Int { shards.reduce(0) { $0 + $1.rows.count } }

    /// Smallest and largest timestamps written (for purge safety and statistics).
    var minTimestamp: Int64 { shards.reduce(.max) { min($0, $1.minTimestamp) } }
    var maxTimestamp: Int64 { shards.reduce(.min) { max($0, $1.maxTimestamp) } }

    var isEmpty: Bool { rowCount == 0 && tombstonePartitions.load(ordering: .relaxed) == 0 }

    /// Applies one partition update, `payload` being its commit-log encoding
    /// (`PartitionUpdateCodec`), whose encoded rows are what the skiplist stores. Caller holds
    /// the table's write lock for the update's shard (`shardIndex(partitionKey:)`).
    func apply(_ update: PartitionUpdate, payload: UnsafeRawBufferPointer, scratch: inout [UInt8]) {
        let shard = shards[Self.shardIndex(partitionKey: update.partitionKey)]
        for index in update.rows.indices { shard.noteTimestamps(of: update.rows[index]) }
        let prefixLength = insertRows(of: payload, partitionKey: update.partitionKey, into: shard, scratch: &scratch)
        if update.partitionDeletion != nil || !update.rangeTombstones.isEmpty {
            addTombstones(update, prefix: Array(scratch[..<prefixLength]), shard: shard)
        }
    }

    /// `apply` of a single-row write. Caller holds the write lock of the write's shard.
    func apply(_ write: SingleRowWrite, scratch: inout [UInt8]) {
        let shard = shards[Self.shardIndex(partitionKey: write.partitionKey)]
        shard.noteTimestamp(write.timestamp)
        write.payload.withUnsafeBytes { _ = insertRows(of: $0, partitionKey: write.partitionKey, into: shard, scratch: &scratch) }
    }

    /// Inserts the encoded rows of a commit-log payload into `shard`, each under its key built
    /// in `scratch`; returns the length of the partition prefix, which `scratch` keeps.
    private func insertRows(of payload: UnsafeRawBufferPointer, partitionKey: [UInt8], into shard: MemTableShard,
                            scratch: inout [UInt8]) -> Int {
        guard var encodedRows = try? PartitionUpdateCodec.encodedRows(in: payload) else {
            preconditionFailure("a memtable update's payload does not decode")
        }
        // The partition prefix is packed once into the scratch key; each row's key replaces
        // what follows it.
        scratch.removeAll(keepingCapacity: true)
        RowKey.appendPartitionPrefix(partitionKey, to: &scratch)
        let prefixLength = scratch.count
        while true {
            let next: (clustering: UnsafeRawBufferPointer, row: UnsafeRawBufferPointer)?
            do { next = try encodedRows.next() } catch { preconditionFailure("a memtable update's payload does not decode") }
            guard let encoded = next else { return prefixLength }
            scratch.removeSubrange(prefixLength...)
            scratch.append(contentsOf: encoded.clustering)
            shard.insert(encoded: encoded.row, key: scratch, partitionPrefixLength: prefixLength)
        }
    }

    private func addTombstones(_ update: PartitionUpdate, prefix: [UInt8], shard: MemTableShard) {
        if let deletion = update.partitionDeletion { shard.noteTimestamp(deletion.timestamp) }
        for range in update.rangeTombstones { shard.noteTimestamp(range.deletion.timestamp) }
        let added = tombstoneMap.withLock { map -> Bool in
            var entry = map[prefix] ?? PartitionTombstones(partitionPrefix: prefix, deletion: nil, ranges: [])
            let isNew = map[prefix] == nil
            entry.deletion = DeletionTime.latest(entry.deletion, update.partitionDeletion)
            entry.ranges.append(contentsOf: update.rangeTombstones)
            map[prefix] = entry
            return isNew
        }
        bytes.add(64 + update.rangeTombstones.count * 64, ordering: .relaxed)
        if added { tombstonePartitions.add(1, ordering: .relaxed) }
    }

    // MARK: Reading (any thread)

    /// The encoded row fragment under `key`, valid while the memtable lives.
    func get(_ key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let shard = shards[Self.shardIndex(key: key)]
        shard.linkUnlinkedRows()
        return shard.rows.get(key)
    }

    /// Links every shard's unlinked rows (`MemTableShard.insert`): a walk in key order that
    /// starts after this call sees every row written before it.
    func linkUnlinkedRows() {
        for shard in shards { shard.linkUnlinkedRows() }
    }

    /// `get` for a key whose partition prefix is its first `partitionPrefixLength` bytes,
    /// found through the partition index (`MemTableShard.row(atOrAfter:)`).
    func get(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) -> UnsafeRawBufferPointer? {
        let shard = shards[Self.shardIndex(key: key)]
        guard let node = shard.row(atOrAfter: key, partitionPrefixLength: partitionPrefixLength),
              compareBytes(SkipList.key(node), key) == 0 else { return nil }
        return SkipList.value(node)
    }

    /// The skiplist node of the first row of the partition with packed prefix `prefix`, or
    /// nil when this memtable has no row of it.
    func firstRow(ofPartition prefix: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer? {
        shards[Self.shardIndex(key: prefix)].firstRow(ofPartition: prefix)
    }

    /// Whether any partition of this memtable has tombstones.
    var hasTombstones: Bool { tombstonePartitions.load(ordering: .relaxed) > 0 }

    /// The tombstones of one partition (a copy).
    func tombstones(partitionPrefix: [UInt8]) -> PartitionTombstones? {
        guard hasTombstones else { return nil }
        return tombstoneMap.withLock { $0[partitionPrefix] }
    }

    /// Every partition's tombstones, sorted by partition prefix (for flush and scans).
    func allTombstones() -> [PartitionTombstones] {
        guard hasTombstones else { return [] }
        return tombstoneMap.withLock { Array($0.values) }.sorted {
            $0.partitionPrefix.lexicographicallyPrecedes($1.partitionPrefix)
        }
    }

    /// An iterator over the rows in key order.
    func makeIterator() -> MemTableIterator { MemTableIterator(self) }
}

/// Walks a memtable's rows in key order, shard after shard. Keeps the memtable alive.
/// `seekToFirst` and `seek(_:)` link the memtable's unlinked rows first; a seek within one
/// partition finds it through the partition index and needs no link.
final class MemTableIterator {
    private let memTable: MemTable
    private var shard = 0
    private var node: UnsafeMutableRawPointer?

    init(_ memTable: MemTable) { self.memTable = memTable }

    var isValid: Bool { node != nil }
    func seekToFirst() {
        memTable.linkUnlinkedRows()
        settle(at: 0, node: memTable.shards[0].rows.first)
    }

    func seek(_ key: UnsafeRawBufferPointer) {
        memTable.linkUnlinkedRows()
        let index = MemTable.shardIndex(key: key)
        settle(at: index, node: memTable.shards[index].rows.findGreaterOrEqual(key))
    }

    /// Moves to the first key >= `key` in `key`'s partition (its prefix is the first
    /// `partitionPrefixLength` bytes), or becomes invalid when the partition has none here:
    /// for reads that stop at the partition's end. The partition index answers most seeks.
    func seek(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) {
        shard = MemTable.shardIndex(key: key)
        node = memTable.shards[shard].row(atOrAfter: key, partitionPrefixLength: partitionPrefixLength)
    }

    func next() { settle(at: shard, node: SkipList.next(node!, 0)) }
    var key: UnsafeRawBufferPointer { SkipList.key(node!) }
    var value: UnsafeRawBufferPointer { SkipList.value(node!) }

    /// Stands on `node` of shard `index`, or when that shard has no more, on the first
    /// row of the next shard that has one.
    private func settle(at index: Int, node candidate: UnsafeMutableRawPointer?) {
        shard = index
        node = candidate
        while node == nil && shard + 1 < memTable.shards.count {
            shard += 1
            node = memTable.shards[shard].rows.first
        }
    }
}
