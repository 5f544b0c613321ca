import KVCore
import Synchronization

/// Something a `HostHintLog` found on disk and dealt with, for its store to count and log.
enum HintLogEvent: Sendable {
    /// A torn tail (a crash mid-append) was cut off at `offset`.
    case truncatedTornTail(path: String, offset: Int)
    /// A damaged record in the middle made the file be renamed aside; the error says where.
    case setAside(HintStoreError)
}

/// One target host's hint file, `<directory>/<host-uuid>.hints`, and what is known of it.
///
/// Every file operation runs under one lock, so an append, the rewrite after a replay and
/// setting the file aside never interleave. A replay reads and delivers outside the lock (it
/// awaits); `isReplaying` keeps replays of one host one at a time, and appends made during a
/// replay land past the end it read to, so they survive the rewrite.
final class HostHintLog: Sendable {
    private struct State {
        var writer: (any WritableFile)?
        var recordCount = 0
        var sizeBytes = 0
        var isReplaying = false
        /// A failed operation left the counts unsure: scan the file before the next use.
        var needsRescan = false
    }

    let host: HostID
    let path: String
    private let directory: String
    private let fileSystem: any FileSystem
    private let report: @Sendable (HintLogEvent) -> Void
    private let state = Mutex(State())

    /// The log of `host` in `directory`; call `load()` before use if the file may exist.
    init(host: HostID, directory: String, fileSystem: any FileSystem, report: @escaping @Sendable (HintLogEvent) -> Void) {
        self.host = host
        self.path = joinPath(directory, host.uuidString + HintStore.fileSuffix)
        self.directory = directory
        self.fileSystem = fileSystem
        self.report = report
    }

    /// Hints stored and not yet delivered or dropped.
    var recordCount: Int { state.withLock { $0.recordCount } }

    /// Scans the file: cuts a torn tail, sets a corrupt file aside.
    func load() throws(HintStoreError) {
        try state.withLock { state throws(HintStoreError) in try rescan(&state) }
    }

    /// Appends `record` and syncs it. On failure the file is cut back to its previous size,
    /// so the hint is not stored (unless the cut fails too: then it may survive, at least once).
    func append(_ record: [UInt8], maxBytes: Int) throws(HintStoreError) {
        try state.withLock { state throws(HintStoreError) in
            if state.needsRescan { try rescan(&state) }
            guard state.sizeBytes + record.count <= maxBytes else {
                throw .hostFull(host, sizeBytes: state.sizeBytes, maxBytes: maxBytes)
            }
            let writer = try openWriter(&state)
            do throws(FileSystemError) {
                try writer.append(record)
                try writer.sync()
            } catch {
                try? writer.close()
                state.writer = nil
                do { try fileSystem.truncate(path, toSize: state.sizeBytes) } catch { state.needsRescan = true }
                throw .io(error)
            }
            state.sizeBytes += record.count
            state.recordCount += 1
        }
    }

    /// Marks a replay as running and returns the file size it may read to (nil: no hints).
    func beginReplay() throws(HintStoreError) -> Int? {
        try state.withLock { state throws(HintStoreError) -> Int? in
            guard !state.isReplaying else { throw .replayInProgress(host) }
            if state.needsRescan { try rescan(&state) }
            guard state.recordCount > 0 else { return nil }
            state.isReplaying = true
            return state.sizeBytes
        }
    }

    /// Ends a replay that consumed (delivered or dropped) the first `consumedRecords` records,
    /// `consumedBytes` bytes: deletes the file, or rewrites it atomically with what is left.
    /// Returns the hints left.
    func finishReplay(consumedBytes: Int, consumedRecords: Int) throws(HintStoreError) -> Int {
        try state.withLock { state throws(HintStoreError) -> Int in
            state.isReplaying = false
            guard consumedBytes > 0 else { return state.recordCount }
            do throws(HintStoreError) {
                try dropPrefix(consumedBytes: consumedBytes, consumedRecords: consumedRecords, &state)
            } catch {
                state.needsRescan = true
                throw error
            }
            return state.recordCount
        }
    }

    /// Ends a replay that found a damaged record at `offset`: the file is set aside.
    func setAsideAfterDamage(offset: Int, reason: String) throws(HintStoreError) {
        try state.withLock { state throws(HintStoreError) in
            state.isReplaying = false
            try setAside(&state, offset: offset, reason: reason)
        }
    }

    // MARK: Under the lock

    private func openWriter(_ state: inout State) throws(HintStoreError) -> any WritableFile {
        if let writer = state.writer { return writer }
        let isNew = !fileSystem.exists(path)
        let writer = try io { () throws(FileSystemError) in try fileSystem.openForAppend(path, truncate: false) }
        // A new file's directory entry must be durable before any hint in it counts as stored.
        if isNew { try io { () throws(FileSystemError) in try fileSystem.syncDirectory(directory) } }
        state.writer = writer
        return writer
    }

    private func closeWriter(_ state: inout State) {
        try? state.writer?.close()
        state.writer = nil
    }

    /// Recounts the file's intact records, cutting a torn tail and setting aside a corrupt file.
    private func rescan(_ state: inout State) throws(HintStoreError) {
        closeWriter(&state)
        state.needsRescan = false
        (state.recordCount, state.sizeBytes) = (0, 0)
        guard fileSystem.exists(path) else { return }
        let file = try io { () throws(FileSystemError) in try fileSystem.openForReading(path) }
        defer { file.close() }
        var reader = HintFileReader(file: file, path: path)
        while true {
            switch try io({ () throws(FileSystemError) in try reader.next() }) {
            case .record(let entry):
                state.recordCount += 1
                state.sizeBytes = entry.endOffset
            case .end:
                return
            case let .damaged(offset, _, true):
                try io { () throws(FileSystemError) in try fileSystem.truncate(path, toSize: offset) }
                report(.truncatedTornTail(path: path, offset: offset))
                return
            case let .damaged(offset, reason, false):
                try setAside(&state, offset: offset, reason: reason)
                return
            }
        }
    }

    /// Renames the file to a free `<host-uuid>.hints[.<n>].corrupt` and forgets its hints.
    private func setAside(_ state: inout State, offset: Int, reason: String) throws(HintStoreError) {
        closeWriter(&state)
        var destination = path + ".corrupt"
        for attempt in 1..<1000 where fileSystem.exists(destination) {
            destination = path + ".\(attempt).corrupt"
        }
        try io { () throws(FileSystemError) in try fileSystem.rename(path, to: destination) }
        try io { () throws(FileSystemError) in try fileSystem.syncDirectory(directory) }
        (state.recordCount, state.sizeBytes) = (0, 0)
        report(.setAside(.corrupt(path: path, offset: offset, reason: reason + "; moved to \(destination)")))
    }

    private func dropPrefix(consumedBytes: Int, consumedRecords: Int, _ state: inout State) throws(HintStoreError) {
        closeWriter(&state)
        if consumedBytes >= state.sizeBytes {
            try io { () throws(FileSystemError) in try fileSystem.removeFile(path) }
            try io { () throws(FileSystemError) in try fileSystem.syncDirectory(directory) }
            (state.recordCount, state.sizeBytes) = (0, 0)
            return
        }
        try io { () throws(FileSystemError) in try rewrite(keepingFrom: consumedBytes, to: state.sizeBytes) }
        state.sizeBytes -= consumedBytes
        state.recordCount -= consumedRecords
    }

    /// Replaces the file by its bytes `start..<end`: temporary file, sync, rename, sync directory.
    private func rewrite(keepingFrom start: Int, to end: Int) throws(FileSystemError) {
        let source = try fileSystem.openForReading(path)
        defer { source.close() }
        let rest = try source.readExactly(at: start, count: end - start, path: path)
        let temporary = path + HintStore.temporarySuffix
        let output = try fileSystem.openForAppend(temporary, truncate: true)
        try output.append(rest)
        try output.sync()
        try output.close()
        try fileSystem.rename(temporary, to: path)
        try fileSystem.syncDirectory(directory)
    }

    private func io<T>(_ body: () throws(FileSystemError) -> T) throws(HintStoreError) -> T {
        do { return try body() } catch { throw .io(error) }
    }
}
