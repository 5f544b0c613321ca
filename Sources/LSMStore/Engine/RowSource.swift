import KVCore

/// A sorted stream of (packed row key, encoded row fragment): a memtable, an SSTable, or a
/// level of SSTables. `key` and `value` stay valid until the source moves.
protocol RowSource: AnyObject {
    var isValid: Bool { get }
    var key: UnsafeRawBufferPointer { get }
    var value: UnsafeRawBufferPointer { get }
    func seekToFirst() throws
    /// Moves to the first key >= `key`.
    func seek(_ key: UnsafeRawBufferPointer) throws
    /// Moves to the first key >= `key`, or anywhere past `key`'s partition (its first
    /// `partitionPrefixLength` bytes) when that partition has no such key here: for reads
    /// that stop at the partition's end.
    func seek(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) throws
    func next() throws
    /// The partition tombstones this source holds for a partition.
    func tombstones(partitionPrefix: UnsafeRawBufferPointer) -> PartitionTombstones?
    /// Whether the source holds any partition tombstones at all.
    var hasTombstones: Bool { get }
}

extension RowSource {
    func seek(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) throws { try seek(key) }
}

/// A memtable as a row source.
final class MemTableSource: RowSource {
    private let memTable: MemTable
    private let iterator: MemTableIterator

    init(_ memTable: MemTable) {
        self.memTable = memTable
        iterator = memTable.makeIterator()
    }

    var isValid: Bool { iterator.isValid }
    var key: UnsafeRawBufferPointer { iterator.key }
    var value: UnsafeRawBufferPointer { iterator.value }
    func seekToFirst() { iterator.seekToFirst() }
    func seek(_ key: UnsafeRawBufferPointer) { iterator.seek(key) }
    func seek(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) {
        iterator.seek(key, partitionPrefixLength: partitionPrefixLength)
    }
    func next() { iterator.next() }
    var hasTombstones: Bool { memTable.hasTombstones }
    func tombstones(partitionPrefix: UnsafeRawBufferPointer) -> PartitionTombstones? {
        memTable.tombstones(partitionPrefix: Array(partitionPrefix))
    }
}

/// One SSTable as a row source.
final class SSTableSource: RowSource {
    let handle: SSTableHandle
    let iterator: SSTableIterator

    init(_ handle: SSTableHandle, skipPolicy: BlockSkipPolicy? = nil, fillsCache: Bool = true) {
        self.handle = handle
        iterator = handle.reader.makeIterator()
        iterator.fillsCache = fillsCache
        skipPolicy?.install(on: iterator)
    }

    var blocksSkipped: Int { iterator.blocksSkipped }

    var isValid: Bool { iterator.isValid }
    var key: UnsafeRawBufferPointer { iterator.key }
    var value: UnsafeRawBufferPointer { iterator.value }
    func seekToFirst() throws { try iterator.seekToFirst() }
    func seek(_ key: UnsafeRawBufferPointer) throws { try iterator.seek(key) }
    func next() throws { try iterator.next() }
    var hasTombstones: Bool { handle.statistics.hasPartitionTombstones }
    func tombstones(partitionPrefix: UnsafeRawBufferPointer) -> PartitionTombstones? {
        handle.reader.tombstones(partitionPrefix: partitionPrefix)
    }
}

/// The SSTables of one sorted, non-overlapping level as a single source: opens each
/// file's iterator only when the scan reaches it.
final class LevelSource: RowSource {
    private let files: [SSTableHandle]
    private var index = 0
    private var current: SSTableIterator?
    let hasTombstones: Bool
    private let skipPolicy: BlockSkipPolicy?
    private let fillsCache: Bool
    private var skippedInClosedFiles = 0

    init(_ files: [SSTableHandle], skipPolicy: BlockSkipPolicy? = nil, fillsCache: Bool = true) {
        self.files = files
        self.skipPolicy = skipPolicy
        self.fillsCache = fillsCache
        hasTombstones = files.contains { $0.statistics.hasPartitionTombstones }
    }

    var blocksSkipped: Int { skippedInClosedFiles + (current?.blocksSkipped ?? 0) }

    var isValid: Bool { current?.isValid ?? false }
    var key: UnsafeRawBufferPointer { current!.key }
    var value: UnsafeRawBufferPointer { current!.value }

    func seekToFirst() throws {
        index = 0
        try open(index) { try $0.seekToFirst() }
    }

    func seek(_ key: UnsafeRawBufferPointer) throws {
        var low = 0, high = files.count
        while low < high {
            let middle = (low + high) / 2
            if files[middle].lastKey.withUnsafeBytes({ compareBytes($0, key) }) < 0 { low = middle + 1 } else { high = middle }
        }
        index = low
        try open(index) { try $0.seek(key) }
    }

    func next() throws {
        try current!.next()
        if !current!.isValid {
            index += 1
            try open(index) { try $0.seekToFirst() }
        }
    }

    /// Makes the first non-empty file from `position` on current, positioning the first
    /// one with `positioning` and later ones at their start.
    private func open(_ position: Int, _ positioning: (SSTableIterator) throws -> Void) throws {
        skippedInClosedFiles += current?.blocksSkipped ?? 0
        current = nil
        var position = position
        var isFirst = true
        while position < files.count {
            let iterator = files[position].reader.makeIterator()
            iterator.fillsCache = fillsCache
            skipPolicy?.install(on: iterator)
            if isFirst { try positioning(iterator) } else { try iterator.seekToFirst() }
            isFirst = false
            if iterator.isValid {
                current = iterator
                index = position
                return
            }
            skippedInClosedFiles += iterator.blocksSkipped
            position += 1
        }
        index = files.count
    }

    func tombstones(partitionPrefix: UnsafeRawBufferPointer) -> PartitionTombstones? {
        // Compaction cuts files only between partitions, so one file holds all of a
        // partition's rows and tombstones.
        guard hasTombstones, let file = TableVersion.fileContaining(partitionPrefix, in: files),
              file.mayHoldPartition(partitionPrefix) else { return nil }
        return file.reader.tombstones(partitionPrefix: partitionPrefix)
    }
}

