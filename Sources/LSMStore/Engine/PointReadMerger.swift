import KVCore

/// Gathers one row's fragments and the tombstones covering it from every source of a
/// snapshot, and reconciles them (DESIGN.md §3).
struct PointReadMerger {
    let clustering: [UInt8]
    let partitionPrefix: [UInt8]
    private var row: Row?
    /// The latest partition or range deletion covering the row.
    private var outerDeletion: DeletionTime?

    init(clustering: [UInt8], partitionPrefix: [UInt8]) {
        self.clustering = clustering
        self.partitionPrefix = partitionPrefix
    }

    mutating func add(memTable: MemTable, key: UnsafeRawBufferPointer) {
        if let bytes = memTable.get(key) {
            guard let fragment = try? RowCodec.decode(bytes, clustering: clustering) else {
                preconditionFailure("memtable holds a row it encoded itself")
            }
            merge(fragment)
        }
        if let tombstones = memTable.tombstones(partitionPrefix: partitionPrefix) { apply(tombstones) }
    }

    mutating func add(sstable: SSTableHandle, key: UnsafeRawBufferPointer) throws {
        let clustering = self.clustering
        let decoded = try sstable.reader.withValue(forKey: key) { bytes in
            Result { () throws(DecodeError) in try RowCodec.decode(bytes, clustering: clustering) }
        }
        switch decoded {
        case .none: break
        case .success(let fragment): merge(fragment)
        case .failure(let error):
            throw StoreError.corruption(file: sstable.reader.path, offset: 0, reason: "row does not decode: \(error)")
        }
        if sstable.statistics.hasPartitionTombstones,
           let tombstones = partitionPrefix.withUnsafeBytes({ sstable.reader.tombstones(partitionPrefix: $0) }) {
            apply(tombstones)
        }
    }

    private mutating func merge(_ fragment: Row) {
        if row == nil { row = fragment } else { row!.merge(fragment) }
    }

    private mutating func apply(_ tombstones: PartitionTombstones) {
        outerDeletion = DeletionTime.latest(outerDeletion, tombstones.deletion)
        for range in tombstones.ranges where range.covers(clustering) {
            outerDeletion = DeletionTime.latest(outerDeletion, range.deletion)
        }
    }

    /// The reconciled row with shadowed cells removed, or nil if no source had a fragment.
    func result() throws -> Row? {
        guard var row else { return nil }
        row.removeShadowed(by: outerDeletion)
        return row
    }
}

extension SSTableStatistics {
    /// Whether the file holds partition deletions or range tombstones.
    var hasPartitionTombstones: Bool { partitionDeletionCount > 0 || rangeTombstoneCount > 0 }
}
