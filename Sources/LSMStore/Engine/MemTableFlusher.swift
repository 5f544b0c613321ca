import KVCore

/// Writes an immutable memtable to a new SSTable: temporary name, fsync, rename, directory
/// fsync. The caller installs it in the manifest.
struct MemTableFlusher {
    let table: LSMTable
    let memTable: MemTable

    /// The new SSTable, or nil if the memtable held nothing.
    func writeSSTable() throws -> SSTableHandle? {
        guard !memTable.isEmpty else { return nil }
        let output = try SSTableOutputFile(table: table, fileNumber: table.context.allocateFileNumber())
        do {
            let iterator = memTable.makeIterator()
            iterator.seekToFirst()
            while iterator.isValid {
                try output.writer.add(key: iterator.key, row: iterator.value)
                iterator.next()
            }
            for tombstones in memTable.allTombstones() { try output.writer.add(tombstones) }
            return try output.finish()
        } catch {
            output.abandon()
            throw error
        }
    }
}

/// One new SSTable being written: to a temporary name first; `finish` fsyncs it, renames
/// it to its final name and syncs the directory, so a crash never leaves a half file
/// under a live name.
final class SSTableOutputFile {
    let writer: SSTableWriter
    private let table: LSMTable
    private let fileNumber: UInt64
    private let path: String
    private let temporaryPath: String

    init(table: LSMTable, fileNumber: UInt64) throws {
        self.table = table
        self.fileNumber = fileNumber
        path = table.context.sstablePath(table: table.id, fileNumber: fileNumber)
        temporaryPath = path + ".tmp"
        writer = try SSTableWriter(path: temporaryPath, fileSystem: table.context.fileSystem, options: table.options.sstable)
    }

    /// Completes the file durably and opens it for reading.
    func finish() throws -> SSTableHandle {
        let context = table.context
        _ = try writer.finish()
        try wrap { try context.fileSystem.rename(temporaryPath, to: path) }
        try wrap { try context.fileSystem.syncDirectory(context.dataDirectory) }
        let reader = try SSTableReader.open(path: path, fileNumber: fileNumber, fileSystem: context.fileSystem,
                                            cache: context.blockCache)
        return SSTableHandle(reader: reader, fileSystem: context.fileSystem)
    }

    /// Gives up on the file and removes it.
    func abandon() {
        writer.abandon()
        try? table.context.fileSystem.removeFile(temporaryPath)
    }
}

extension Manifest {
    /// Replaces a table's live set and replay position.
    mutating func setTable(_ id: TableID, files: [FileEntry], replayAfter: CommitLogPosition) {
        guard let index = tables.firstIndex(where: { $0.id == id }) else { return }
        tables[index].files = files
        tables[index].replayAfter = replayAfter
    }
}
