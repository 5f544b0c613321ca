import KVCore
import Synchronization

/// The in-memory, sorted part of a table's LSM: row fragments by packed row key in a
/// skiplist, and partition-level tombstones in a small map.
///
/// Writers are serialised by the owning `LSMTable` (one inserting thread at a time);
/// readers never lock the skiplist. A memtable becomes immutable when full and is then
/// flushed to an SSTable; `pendingWriters` counts writes registered against it whose
/// commit-log record is waiting to become durable, and a flush waits for them.
final class MemTable: @unchecked Sendable {
    // Writer-side fields (`rows`, statistics) are only mutated under the table's write lock.
    let rows = SkipList()
    /// Each partition's first row in `rows`, for point reads.
    private let partitions = PartitionIndex()
    private let tombstoneMap = Mutex<[[UInt8]: PartitionTombstones]>([:])
    /// Number of partitions with tombstones (read without the lock by the read path's fast check).
    private let tombstonePartitions = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    /// Writes registered but not yet applied (their commit-log record awaits fsync).
    let pendingWriters = Atomic<Int>(0)
    /// Smallest and largest timestamps written (for purge safety and statistics).
    /// Where a row is encoded before its bytes are copied into the skiplist (writer side):
    /// reused, so an insert allocates nothing of its own.
    private var encodedRow = ByteWriter(capacity: 256)
    private(set) var minTimestamp = Int64.max
    private(set) var maxTimestamp = Int64.min
    /// When the memtable was switched out: the commit-log position after which this
    /// table's later records live. Set once, under the table's write lock.
    var switchPosition: CommitLogPosition?

    /// Approximate memory in use, in bytes.
    var memoryBytes: Int { rows.memoryBytes + partitions.memoryBytes + bytes.load(ordering: .relaxed) }

    var isEmpty: Bool { rows.count == 0 && tombstonePartitions.load(ordering: .relaxed) == 0 }

    /// Applies one partition update. Caller holds the table's write lock.
    func apply(_ update: PartitionUpdate, scratch: inout [UInt8]) {
        // The partition prefix is packed once into the scratch key; each row's key replaces
        // what follows it.
        scratch.removeAll(keepingCapacity: true)
        RowKey.appendPartitionPrefix(update.partitionKey, to: &scratch)
        let prefixLength = scratch.count
        for row in update.rows {
            scratch.removeSubrange(prefixLength...)
            scratch.append(contentsOf: row.clustering)
            insert(row, key: scratch, partitionPrefixLength: prefixLength)
        }
        if update.partitionDeletion != nil || !update.rangeTombstones.isEmpty {
            addTombstones(update, prefix: Array(scratch[..<prefixLength]))
        }
    }

    private func insert(_ row: Row, key: [UInt8], partitionPrefixLength: Int) {
        noteTimestamps(of: row)
        encodedRow.removeAll()
        RowCodec.encode(row, into: &encodedRow)
        key.withUnsafeBytes { keyBuffer in
            let node = encodedRow.bytes.withUnsafeBytes { valueBuffer in
                rows.upsert(keyBuffer, value: valueBuffer) { existing in
                    guard var merged = try? RowCodec.decode(existing, clustering: row.clustering) else {
                        preconditionFailure("memtable holds a row it encoded itself")
                    }
                    merged.merge(row)
                    return RowCodec.encode(merged)
                }
            }
            partitions.noteRow(node, partitionPrefix: UnsafeRawBufferPointer(rebasing: keyBuffer[..<partitionPrefixLength]))
        }
    }

    private func addTombstones(_ update: PartitionUpdate, prefix: [UInt8]) {
        if let deletion = update.partitionDeletion { noteTimestamp(deletion.timestamp) }
        for range in update.rangeTombstones { noteTimestamp(range.deletion.timestamp) }
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

    private func noteTimestamps(of row: Row) {
        if let deletion = row.deletion { noteTimestamp(deletion.timestamp) }
        for cell in row.cells { noteTimestamp(cell.timestamp) }
    }

    private func noteTimestamp(_ timestamp: Int64) {
        minTimestamp = min(minTimestamp, timestamp)
        maxTimestamp = max(maxTimestamp, timestamp)
    }

    // MARK: Reading (any thread)

    /// The encoded row fragment under `key`, valid while the memtable lives.
    func get(_ key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? { rows.get(key) }

    /// `get` for a key whose partition prefix is its first `partitionPrefixLength` bytes:
    /// the partition index finds the partition's first row, which is the row itself in a
    /// table without clustering columns, so most point reads need no skiplist search.
    func get(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) -> UnsafeRawBufferPointer? {
        guard let first = firstRow(ofPartition: UnsafeRawBufferPointer(rebasing: key[..<partitionPrefixLength])) else {
            return nil
        }
        let order = compareBytes(SkipList.key(first), key)
        if order == 0 { return SkipList.value(first) }
        return order > 0 ? nil : rows.get(key)
    }

    /// The skiplist node of the first row of the partition with packed prefix `prefix`, or
    /// nil when this memtable has no row of it.
    func firstRow(ofPartition prefix: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer? {
        partitions.firstRow(ofPartition: prefix)
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

/// Walks a memtable's rows in key order. Keeps the memtable alive.
final class MemTableIterator {
    private let memTable: MemTable
    private var node: UnsafeMutableRawPointer?

    init(_ memTable: MemTable) { self.memTable = memTable }

    var isValid: Bool { node != nil }
    func seekToFirst() { node = memTable.rows.first }
    func seek(_ key: UnsafeRawBufferPointer) { node = memTable.rows.findGreaterOrEqual(key) }

    /// Moves to the first key >= `key` in `key`'s partition (its prefix is the first
    /// `partitionPrefixLength` bytes), or becomes invalid when the partition has none here:
    /// for reads that stop at the partition's end. The partition index answers most seeks.
    func seek(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) {
        guard let first = memTable.firstRow(ofPartition: UnsafeRawBufferPointer(rebasing: key[..<partitionPrefixLength])) else {
            node = nil
            return
        }
        node = compareBytes(SkipList.key(first), key) >= 0 ? first : memTable.rows.findGreaterOrEqual(key)
    }
    func next() { node = SkipList.next(node!, 0) }
    var key: UnsafeRawBufferPointer { SkipList.key(node!) }
    var value: UnsafeRawBufferPointer { SkipList.value(node!) }
}
