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
    func next() throws
    /// The partition tombstones this source holds for a partition.
    func tombstones(partitionPrefix: UnsafeRawBufferPointer) -> PartitionTombstones?
    /// Whether the source holds any partition tombstones at all.
    var hasTombstones: Bool { get }
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

    init(_ handle: SSTableHandle) {
        self.handle = handle
        iterator = handle.reader.makeIterator()
    }

    var isValid: Bool { iterator.isValid }
    var key: UnsafeRawBufferPointer { iterator.key }
    var value: UnsafeRawBufferPointer { iterator.value }
    func seekToFirst() throws { try wrap { try iterator.seekToFirst() } }
    func seek(_ key: UnsafeRawBufferPointer) throws { try wrap { try iterator.seek(key) } }
    func next() throws { try wrap { try iterator.next() } }
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

    init(_ files: [SSTableHandle]) {
        self.files = files
        hasTombstones = files.contains { $0.statistics.hasPartitionTombstones }
    }

    var isValid: Bool { current?.isValid ?? false }
    var key: UnsafeRawBufferPointer { current!.key }
    var value: UnsafeRawBufferPointer { current!.value }

    func seekToFirst() throws {
        index = 0
        try open(index) { iterator throws in try wrap { try iterator.seekToFirst() } }
    }

    func seek(_ key: UnsafeRawBufferPointer) throws {
        var low = 0, high = files.count
        while low < high {
            let middle = (low + high) / 2
            if files[middle].lastKey.withUnsafeBytes({ compareBytes($0, key) }) < 0 { low = middle + 1 } else { high = middle }
        }
        index = low
        try open(index) { iterator throws in try wrap { try iterator.seek(key) } }
    }

    func next() throws {
        try wrap { try current!.next() }
        if !current!.isValid {
            index += 1
            try open(index) { iterator throws in try wrap { try iterator.seekToFirst() } }
        }
    }

    /// Makes the first non-empty file from `position` on current, positioning the first
    /// one with `positioning` and later ones at their start.
    private func open(_ position: Int, _ positioning: (SSTableIterator) throws -> Void) throws {
        current = nil
        var position = position
        var isFirst = true
        while position < files.count {
            let iterator = files[position].reader.makeIterator()
            if isFirst { try positioning(iterator) } else { try wrap { try iterator.seekToFirst() } }
            isFirst = false
            if iterator.isValid {
                current = iterator
                index = position
                return
            }
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

/// Runs a throwing SSTable call, turning any error into a `StoreError`.
@inline(__always)
func wrap(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as StoreError {
        throw error
    } catch let error as FileSystemError {
        throw StoreError.io(error)
    } catch {
        throw StoreError.failed(reason: "\(error)")
    }
}

/// Runs a throwing call that returns a value, turning any error into a `StoreError`.
@inline(__always)
func wrapValue<Value>(_ body: () throws -> Value) throws -> Value {
    var result: Value?
    try wrap { result = try body() }
    return result!
}
