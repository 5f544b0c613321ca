import KVCore
import Synchronization

/// An SSTable in some table's live set, shared by every version that lists it.
///
/// Reference counting is the snapshot mechanism: a reader or compaction that holds a
/// version holds its handles, so a file replaced by compaction stays readable until the
/// last holder lets go; the file is deleted then, once it has been marked obsolete
/// (which happens only after a manifest without it is durable).
final class SSTableHandle: Sendable {
    let reader: SSTableReader
    let fileSystem: any FileSystem
    private let obsolete = Atomic<Bool>(false)

    /// The packed prefix of the file's first partition (<= its first key).
    let firstPartition: [UInt8]
    /// Just past every key of the file's last partition (exclusive): a file's rows and
    /// tombstones of one partition are all below it.
    let partitionsEnd: [UInt8]

    init(reader: SSTableReader, fileSystem: any FileSystem) {
        self.reader = reader
        self.fileSystem = fileSystem
        firstPartition = Self.partitionPrefix(of: reader.statistics.firstKey)
        partitionsEnd = Self.partitionEnd(of: reader.statistics.lastKey)
    }

    static func partitionPrefix(of key: [UInt8]) -> [UInt8] {
        guard let length = key.withUnsafeBytes({ RowKey.partitionPrefixLength($0) }) else { return key }
        return Array(key[..<length])
    }

    /// The partition's prefix with its terminator's last byte (0x01) raised to 0x02.
    static func partitionEnd(of key: [UInt8]) -> [UInt8] {
        var end = partitionPrefix(of: key)
        end[end.count - 1] &+= 1
        return end
    }

    var fileNumber: UInt64 { reader.fileNumber }
    var statistics: SSTableStatistics { reader.statistics }
    var sizeBytes: Int { reader.statistics.dataSizeBytes }
    var firstKey: [UInt8] { reader.statistics.firstKey }
    var lastKey: [UInt8] { reader.statistics.lastKey }

    /// Whether the file's key range overlaps the keys that start with `prefix`: a partition's
    /// rows and its tombstones (stored under the bare prefix).
    func mayHoldPartition(_ prefix: UnsafeRawBufferPointer) -> Bool {
        guard lastKey.withUnsafeBytes({ compareBytes($0, prefix) }) >= 0 else { return false }
        return firstKey.withUnsafeBytes { first in compareBytes(first, prefix) <= 0 || hasPrefix(first, prefix) }
    }

    /// Whether the file holds anything of the partitions in [first, end): compared by whole
    /// partitions, because a partition's tombstones sit at its bare prefix, before its rows.
    func overlaps(first: [UInt8], end: [UInt8]) -> Bool {
        compareBytes(firstPartition, end) < 0 && compareBytes(partitionsEnd, first) > 0
    }

    /// Deletes the file when the last reference goes. Call only after the manifest that no
    /// longer lists it is durable.
    func markObsolete() { obsolete.store(true, ordering: .releasing) }

    deinit {
        if obsolete.load(ordering: .acquiring) { try? fileSystem.removeFile(reader.path) }
    }
}

/// One consistent view of a table: its memtables and the SSTables of each level.
/// Immutable; replaced as a whole when anything changes.
final class TableVersion: Sendable {
    /// The memtable taking writes.
    let memTable: MemTable
    /// Memtables waiting to be flushed, newest first.
    let immutables: [MemTable]
    /// SSTables per level. Level 0 (and every file of a size-tiered table) is newest first
    /// and may overlap; levels 1+ are sorted by key and do not overlap.
    let levels: [[SSTableHandle]]

    /// Every memtable, newest first. Stored, as `allSSTables`: every read walks them, and
    /// building the arrays per read cost an allocation each.
    let memTables: [MemTable]
    /// Every SSTable.
    let allSSTables: [SSTableHandle]

    init(memTable: MemTable, immutables: [MemTable], levels: [[SSTableHandle]]) {
        self.memTable = memTable
        self.immutables = immutables
        self.levels = levels
        memTables = [memTable] + immutables
        allSSTables = levels.flatMap { $0 }
    }

    func replacing(memTable: MemTable? = nil, immutables: [MemTable]? = nil, levels: [[SSTableHandle]]? = nil) -> TableVersion {
        TableVersion(memTable: memTable ?? self.memTable, immutables: immutables ?? self.immutables,
                     levels: levels ?? self.levels)
    }

    /// Hands `body`, newest first, the SSTables that may hold rows or tombstones of the
    /// partition with this packed prefix: every overlapping level-0 file, then at most one
    /// file per deeper level (compaction never splits a partition across files of one level).
    func forEachCandidate(partitionPrefix prefix: UnsafeRawBufferPointer,
                          _ body: (SSTableHandle) throws -> Void) rethrows {
        for (level, files) in levels.enumerated() {
            if level == 0 {
                for file in files where file.mayHoldPartition(prefix) { try body(file) }
            } else if let file = Self.fileContaining(prefix, in: files), file.mayHoldPartition(prefix) {
                try body(file)
            }
        }
    }

    /// The first file of a sorted, non-overlapping level whose last key is >= `key`.
    static func fileContaining(_ key: UnsafeRawBufferPointer, in files: [SSTableHandle]) -> SSTableHandle? {
        var low = 0, high = files.count
        while low < high {
            let middle = (low + high) / 2
            if files[middle].lastKey.withUnsafeBytes({ compareBytes($0, key) }) < 0 { low = middle + 1 } else { high = middle }
        }
        return low < files.count ? files[low] : nil
    }
}
