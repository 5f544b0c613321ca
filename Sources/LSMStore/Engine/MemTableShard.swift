import KVCore
import Synchronization

/// One key range of a memtable: the rows whose packed key starts with a byte in the
/// shard's range, in their own skiplist and partition index.
///
/// Sharding lets two threads insert into one memtable at once: each shard has one writer at
/// a time (under the table's lock for that shard, `MemTableWriteLocks`), and writers of
/// different shards never share a lock or a cache line. Readers never lock, except to link
/// the rows a writer left unlinked before they walk the shard in key order.
final class MemTableShard: @unchecked Sendable {
    // Writer-side fields (`rows`, `partitions`) are only mutated under `writerLock`, which
    // the table's write lock for this shard leaves uncontended but for readers linking rows.
    let rows = SkipList()
    private let writerLock = Mutex(())
    /// Each partition's first row in `rows`, for point reads.
    private let partitions = PartitionIndex()
    /// Smallest and largest timestamps written (for purge safety): set by the writer, read
    /// by any thread.
    private let smallestTimestamp = Atomic<Int64>(.max)
    private let largestTimestamp = Atomic<Int64>(.min)

    var minTimestamp: Int64 { smallestTimestamp.load(ordering: .relaxed) }
    var maxTimestamp: Int64 { largestTimestamp.load(ordering: .relaxed) }

    /// This shard's bytes plus the memtable's tombstone bytes when a write to this shard
    /// last summed the memtable's shards (`MemTable.summedSize`).
    let bytesWhenLastSummed = Atomic<Int>(0)

    /// Bytes held for rows; nothing while the shard is empty (its empty index is fixed
    /// overhead, not data, and must not make a small memtable look full).
    var memoryBytes: Int { rows.count == 0 ? 0 : rows.memoryBytes + partitions.memoryBytes }

    /// Inserts a row fragment given as its `RowCodec` encoding, merging it into the fragment
    /// already under `key` (whose bytes after the partition prefix are the row's clustering).
    /// The caller notes the fragment's timestamps. Writer only.
    ///
    /// The partition index decides first, with no skiplist search: the row of a partition
    /// new to the shard goes in unlinked (`SkipList.insertUnlinked`), reached through the
    /// index until a scan links it (`linkUnlinkedRows`); a write to the partition's first
    /// row merges in place. Other rows go through `SkipList.upsert`, which links the
    /// unlinked rows first: so an unlinked row is always its partition's only row.
    func insert(encoded: UnsafeRawBufferPointer, key: [UInt8], partitionPrefixLength: Int) {
        writerLock.withLock { _ in
            key.withUnsafeBytes { keyBuffer in
                let prefix = UnsafeRawBufferPointer(rebasing: keyBuffer[..<partitionPrefixLength])
                let clustering = UnsafeRawBufferPointer(rebasing: keyBuffer[partitionPrefixLength...])
                guard let first = partitions.firstRow(ofPartition: prefix) else {
                    partitions.noteRow(rows.insertUnlinked(keyBuffer, value: encoded), partitionPrefix: prefix)
                    return
                }
                if compareBytes(SkipList.key(first), keyBuffer) == 0 {
                    return rows.mergeValue(of: first) { Self.merge(encoded, into: $0, clustering: clustering) }
                }
                let keysBefore = rows.count
                let node = rows.upsert(keyBuffer, value: encoded) { Self.merge(encoded, into: $0, clustering: clustering) }
                // A key already present has its partition's entry, at or before it.
                guard rows.count > keysBefore else { return }
                partitions.noteRow(node, partitionPrefix: prefix)
            }
        }
    }

    /// Links the rows `insert` left unlinked, so searches and walks of `rows` see every row
    /// written before the call. Any thread: scans and flushes call it before they walk.
    func linkUnlinkedRows() {
        guard rows.hasUnlinked else { return }
        writerLock.withLock { _ in rows.linkUnlinked() }
    }

    /// The encoding of row fragment `incoming` merged into `existing`, both of the row with
    /// clustering bytes `clustering`.
    private static func merge(_ incoming: UnsafeRawBufferPointer, into existing: UnsafeRawBufferPointer,
                              clustering: UnsafeRawBufferPointer) -> [UInt8] {
        let clustering = Array(clustering)
        guard var merged = try? RowCodec.decode(existing, clustering: clustering),
              let incoming = try? RowCodec.decode(incoming, clustering: clustering) else {
            preconditionFailure("memtable holds a row it encoded itself")
        }
        merged.merge(incoming)
        return RowCodec.encode(merged)
    }

    /// Widens the timestamp range to those of `row`'s cells and deletion. Writer only.
    func noteTimestamps(of row: Row) {
        if let deletion = row.deletion { noteTimestamp(deletion.timestamp) }
        for index in row.cells.indices { noteTimestamp(row.cells[index].timestamp) }
    }

    /// Widens the timestamp range to `timestamp`. Writer only.
    func noteTimestamp(_ timestamp: Int64) {
        if timestamp < minTimestamp { smallestTimestamp.store(timestamp, ordering: .relaxed) }
        if timestamp > maxTimestamp { largestTimestamp.store(timestamp, ordering: .relaxed) }
    }

    /// The skiplist node of the first row of the partition with packed prefix `prefix`.
    func firstRow(ofPartition prefix: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer? {
        partitions.firstRow(ofPartition: prefix)
    }

    /// The node of the first key >= `key` when `key`'s partition (its first
    /// `partitionPrefixLength` bytes) has a row here, else nil. The partition index answers
    /// most of these, without a skiplist search: its entry is the partition's first row,
    /// which is the row itself in a table without clustering columns. An unlinked first row
    /// is its partition's only one, so a search past it finds a row of another partition.
    func row(atOrAfter key: UnsafeRawBufferPointer, partitionPrefixLength: Int) -> UnsafeMutableRawPointer? {
        guard let first = firstRow(ofPartition: UnsafeRawBufferPointer(rebasing: key[..<partitionPrefixLength])) else {
            return nil
        }
        return compareBytes(SkipList.key(first), key) >= 0 ? first : rows.findGreaterOrEqual(key)
    }
}
