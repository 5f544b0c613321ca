import KVCore
import Synchronization

/// The batchlog of one node: the logged batches other coordinators (or this one) asked it to
/// keep until their mutations are applied everywhere, durable across crashes.
///
/// One file per batch, `<directory>/<batch-id>.batch`, holding one CRC-framed record (the
/// hint record framing; layout in FORMAT.md, "Batchlog (on disk)") whose payload is the
/// `batchStore` payload. `store` writes `<batch-id>.batch.tmp`, fsyncs it, renames it over
/// the final name and fsyncs the directory before returning, so a stored batch survives a
/// crash whole or not at all. `remove` unlinks without a directory sync: a removal lost in
/// a crash only replays the batch again, and mutations are idempotent.
///
/// Thread-safe; every method may be called from any thread or task.
public final class BatchlogStore: Sendable {
    static let fileSuffix = ".batch"
    static let temporarySuffix = ".tmp"
    static let corruptSuffix = ".corrupt"

    /// A stored batch as the index knows it.
    struct Entry: Sendable {
        var storedAtMillis: Int64
        var sizeBytes: Int
    }

    /// Where the batch files live.
    public let directory: String
    private let fileSystem: any FileSystem
    private let clock: any Clock
    private let maxTotalBytes: Int
    private let onProblem: @Sendable (String) -> Void
    private let entries = Mutex<[BatchID: Entry]>([:])

    /// Opens (creating if needed) the directory and indexes the batches in it: leftovers of
    /// an interrupted store are removed, a damaged file is renamed `.corrupt` and reported to
    /// `onProblem`. `maxTotalBytes` bounds the files' total size.
    ///
    /// - Throws: `.io` when the directory cannot be read or repaired.
    public init(directory: String, fileSystem: any FileSystem, clock: any Clock, maxTotalBytes: Int,
                onProblem: @escaping @Sendable (String) -> Void = { _ in }) throws(BatchlogStoreError) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.clock = clock
        self.maxTotalBytes = maxTotalBytes
        self.onProblem = onProblem
        try loadDirectory()
    }

    /// How many batches are stored.
    public var count: Int { entries.withLock { $0.count } }

    /// The stored batches' ids, oldest first.
    public var storedIDs: [BatchID] {
        entries.withLock { $0.sorted { ($0.value.storedAtMillis, $0.key) < ($1.value.storedAtMillis, $1.key) }.map(\.key) }
    }

    /// The ids of batches stored at least `ageMillis` ago (by this node's wall clock), oldest first.
    public func ids(olderThanMillis ageMillis: Int64) -> [BatchID] {
        let now = clock.nowMicros() / 1000
        let due = entries.withLock { $0.filter { now - $0.value.storedAtMillis >= ageMillis } }
        return due.sorted { ($0.value.storedAtMillis, $0.key) < ($1.value.storedAtMillis, $1.key) }.map(\.key)
    }

    /// How long ago (by this node's wall clock) batch `id` was stored; nil when not stored.
    public func ageMillis(of id: BatchID) -> Int64? {
        guard let entry = entries.withLock({ $0[id] }) else { return nil }
        return clock.nowMicros() / 1000 - entry.storedAtMillis
    }

    /// Durably stores `payload` (a `batchStore` payload) as batch `id`, stamped with the
    /// current wall time; storing an id again replaces it. When this returns, the batch
    /// survives a crash.
    ///
    /// - Throws: `.full` (nothing written), `.io` (not stored).
    public func store(_ id: BatchID, payload: [UInt8]) throws(BatchlogStoreError) {
        let storedAt = clock.nowMicros() / 1000
        let record = HintRecord.encode(payload: payload, createdAtMillis: storedAt)
        let total = entries.withLock { $0.values.reduce(0) { $0 + $1.sizeBytes } - ($0[id]?.sizeBytes ?? 0) }
        guard total + record.count <= maxTotalBytes else { throw .full(sizeBytes: total + record.count, maxBytes: maxTotalBytes) }
        let path = self.path(id), temporary = path + Self.temporarySuffix
        do throws(FileSystemError) {
            try write(record, to: temporary)
            try fileSystem.rename(temporary, to: path)
            try fileSystem.syncDirectory(directory)
        } catch {
            try? fileSystem.removeFile(temporary)
            throw .io(error)
        }
        entries.withLock { $0[id] = Entry(storedAtMillis: storedAt, sizeBytes: record.count) }
    }

    /// The payload of batch `id`, checked against its checksum.
    ///
    /// - Throws: `.notFound`; `.corrupt` (the file is set aside and forgotten); `.io`.
    public func payload(of id: BatchID) throws(BatchlogStoreError) -> [UInt8] {
        guard entries.withLock({ $0[id] }) != nil else { throw .notFound(id) }
        switch try read(path(id)) {
        case .intact(let payload, _): return payload
        case .damaged(let reason):
            setAside(id, reason: reason)
            throw .corrupt(path: path(id), reason: reason)
        }
    }

    /// Forgets batch `id` and unlinks its file; a missing batch is no error.
    ///
    /// - Throws: `.io` when the file exists and cannot be removed (the batch is forgotten
    ///   anyway until the next start, which would replay it: harmless).
    public func remove(_ id: BatchID) throws(BatchlogStoreError) {
        guard entries.withLock({ $0.removeValue(forKey: id) }) != nil else { return }
        do { try fileSystem.removeFile(path(id)) } catch {
            if case .notFound = error { return }
            throw .io(error)
        }
    }

    // MARK: Files

    /// Writes `bytes` as the whole of `path` and syncs it.
    private func write(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        let file = try fileSystem.openForAppend(path, truncate: true)
        do {
            try file.append(bytes)
            try file.sync()
        } catch {
            try? file.close()
            throw error
        }
        try file.close()
    }

    func path(_ id: BatchID) -> String { joinPath(directory, "\(id)\(Self.fileSuffix)") }

    enum FileContent {
        case intact(payload: [UInt8], storedAtMillis: Int64)
        case damaged(String)
    }

    /// Reads one batch file and checks it: exactly one intact record.
    private func read(_ path: String) throws(BatchlogStoreError) -> FileContent {
        let bytes: [UInt8]
        do {
            let file = try fileSystem.openForReading(path)
            defer { file.close() }
            bytes = try file.readExactly(at: 0, count: file.size, path: path)
        } catch {
            throw .io(error)
        }
        guard bytes.count >= HintRecord.headerSizeBytes else { return .damaged("\(bytes.count) bytes, shorter than a record header") }
        return bytes.withUnsafeBytes { buffer in
            let header = HintRecord.decodeHeader(buffer)
            guard header.payloadSizeBytes <= HintRecord.payloadSizeBytesMax,
                  buffer.count == HintRecord.headerSizeBytes + header.payloadSizeBytes else {
                return .damaged("record length \(header.payloadSizeBytes) does not match the file size \(buffer.count)")
            }
            guard HintRecord.isIntact(buffer) else { return .damaged("checksum mismatch") }
            return .intact(payload: Array(buffer[HintRecord.headerSizeBytes...]), storedAtMillis: header.createdAtMillis)
        }
    }

    /// Renames a damaged file to `<id>.batch.corrupt`, forgets it, and reports it.
    func setAside(_ id: BatchID, reason: String) {
        entries.withLock { _ = $0.removeValue(forKey: id) }
        let path = self.path(id)
        try? fileSystem.rename(path, to: path + Self.corruptSuffix)
        onProblem("batchlog file \(path) is damaged (\(reason)); set aside as \(path + Self.corruptSuffix)")
    }

    private func loadDirectory() throws(BatchlogStoreError) {
        let names: [String]
        do {
            try fileSystem.createDirectory(directory)
            names = try fileSystem.listDirectory(directory).sorted()
            for name in names where name.hasSuffix(Self.fileSuffix + Self.temporarySuffix) {
                try fileSystem.removeFile(joinPath(directory, name))
            }
        } catch { throw .io(error) }
        for name in names where name.hasSuffix(Self.fileSuffix) {
            guard let id = BatchID(hex: name.dropLast(Self.fileSuffix.count)) else { continue }
            switch try read(joinPath(directory, name)) {
            case let .intact(payload, storedAt):
                entries.withLock { $0[id] = Entry(storedAtMillis: storedAt, sizeBytes: HintRecord.headerSizeBytes + payload.count) }
            case .damaged(let reason):
                entries.withLock { $0[id] = Entry(storedAtMillis: 0, sizeBytes: 0) }
                setAside(id, reason: reason)
            }
        }
    }
}
