import KVCore

/// The node's commit log, shared by all tables: every write is appended here before it
/// reaches a memtable, and replayed from here after a crash.
///
/// The log is a series of segment files in one directory (format in FORMAT.md). Each record
/// carries its length, a global sequence number and a CRC32C over both and the payload. How
/// an append relates to fsync is set by `CommitLogSyncMode`. A failed write or fsync is fatal:
/// the kernel may have dropped the data, so the log refuses every later call with
/// `StoreError.failed` and must be reopened (replay then keeps whatever is intact).
///
/// Thread-safe: any number of threads may append concurrently. Call `close()` before dropping
/// the last reference; the deinitialiser closes as a fallback, ignoring errors.
public final class CommitLog: Sendable {
    private let writer: CommitLogWriter
    /// The periodic syncer, or in `group` and `batch` modes the thread serving `durability`.
    private let syncer: BackgroundThread
    private let durability: DurabilityWaiters?
    /// Faults in the active segment's pages ahead of the writers (see `MappedFile.prefault`).
    private let prefaulter: BackgroundThread

    private init(writer: CommitLogWriter, syncer: BackgroundThread, durability: DurabilityWaiters?) {
        self.writer = writer
        self.syncer = syncer
        self.durability = durability
        prefaulter = BackgroundThread(name: "commitlog-prefault") { writer.runPrefaults() }
    }

    deinit { try? close() }

    /// Whether appends wait for an fsync before they count as durable (`group`, `batch`).
    public var acknowledgesAfterSync: Bool { writer.acknowledgesAfterSync }

    /// Opens (creating if needed) the log in `directory` and replays it.
    ///
    /// Calls `replay(position, payload)` for every intact record, in append order, on the
    /// calling thread; `position` is the position just after the record, so a table flushed up
    /// to P needs no record whose position is <= P. `payload` is valid only during the call.
    /// A torn tail of the last segment (an interrupted, unsynced write) is cut away, and so are
    /// the preallocated zeros after its last record; damage anywhere else throws
    /// `StoreError.corruption` naming the file and offset. Appends then go
    /// to a new segment whose id is above every existing one; replayed segments are never
    /// appended to. Also throws `.invalidArgument` for bad options, `.io` when the file system
    /// fails (a full disk when preallocating the new segment, too), and whatever `replay` throws.
    public static func open(directory: String, fileSystem: any FileSystem, options: CommitLogOptions,
                            replay: (CommitLogPosition, UnsafeRawBufferPointer) throws -> Void) throws -> CommitLog {
        try options.validate()
        do { try fileSystem.createDirectory(directory) } catch { throw StoreError.io(error) }
        var replayer = CommitLogReplayer(directory: directory, fileSystem: fileSystem)
        let replayed = try replayer.replayAll(replay)
        let active: CommitLogSegment
        do {
            active = try CommitLogSegment.create(directory: directory, id: (replayed.last?.id ?? 0) + 1,
                                                 firstSequence: replayer.nextSequence,
                                                 capacityBytes: options.segmentSizeBytes, fileSystem: fileSystem)
        } catch {
            throw StoreError.io(error)
        }
        let state = CommitLogWriterState(active: active, sealed: replayed, nextSequence: replayer.nextSequence)
        let writer = CommitLogWriter(directory: directory, fileSystem: fileSystem, options: options, state: state)
        guard case .periodic(let windowMs) = options.syncMode else {
            let durability = DurabilityWaiters()
            let server = BackgroundThread(name: "commitlog-waiters") {
                durability.serve { position throws(StoreError) in try writer.waitUntilDurable(position) }
            }
            return CommitLog(writer: writer, syncer: server, durability: durability)
        }
        let syncer = BackgroundThread(name: "commitlog-sync") { writer.runPeriodicSyncs(windowMs: windowMs) }
        return CommitLog(writer: writer, syncer: syncer, durability: nil)
    }

    /// Appends one record and returns the position just after it, once the record is as
    /// durable as the sync mode promises (written for `.periodic`, fsynced for `.group` and
    /// `.batch`). Records are ordered by the positions returned. The same as `write` followed
    /// by `waitUntilDurable`.
    ///
    /// Throws `StoreError.invalidArgument` if the payload exceeds `maxRecordSizeBytes`,
    /// `.closed` after `close()`, and `.failed` once any write or fsync has failed (or a new
    /// segment could not be preallocated). Blocks for two fsyncs once per segment, when a full
    /// segment is sealed and the next one created.
    public func append(_ payload: UnsafeRawBufferPointer) throws(StoreError) -> CommitLogPosition {
        let position = try writer.write(payload)
        try writer.waitUntilDurable(position)
        return position
    }

    /// Appends the bytes of `payload`; see `append(_:)` for the contract.
    public func append(_ payload: [UInt8]) throws(StoreError) -> CommitLogPosition {
        try payload.withUnsafeBytes { buffer in Result { () throws(StoreError) in try append(buffer) } }.get()
    }

    /// The first half of `append`: copies the record into the mapped segment (no system call
    /// except when a segment fills up) and returns the position after it. For callers that
    /// must order the log write with other work under their own lock, then wait for
    /// durability outside it. Errors as for `append`.
    public func write(_ payload: UnsafeRawBufferPointer) throws(StoreError) -> CommitLogPosition {
        try writer.write(payload)
    }

    /// `write` for the bytes of an array.
    public func write(_ payload: [UInt8]) throws(StoreError) -> CommitLogPosition {
        try payload.withUnsafeBytes { buffer in Result { () throws(StoreError) in try writer.write(buffer) } }.get()
    }

    /// The second half of `append`: returns once the record ending at `position` (returned by
    /// `write`) is as durable as the sync mode promises; at once in `.periodic` mode. In
    /// `.group` and `.batch` modes concurrent waiters share fsyncs. Throws `StoreError.failed`
    /// if a write or fsync has failed before the record became durable.
    public func waitUntilDurable(_ position: CommitLogPosition) throws(StoreError) {
        try writer.waitUntilDurable(position)
    }

    /// `waitUntilDurable` for tasks: suspends instead of blocking the thread (an event loop
    /// must not wait for an fsync), and returns at once in `.periodic` mode. Throws as
    /// `waitUntilDurable`, and `.closed` when the log closes first.
    public nonisolated(nonsending) func waitUntilDurable(_ position: CommitLogPosition) async throws(StoreError) {
        guard let durability else { return }
        try await durability.waitUntilDurable(position)
    }

    /// The position after the last appended record: what a memtable switch records as the
    /// point its data reaches.
    public var currentPosition: CommitLogPosition { writer.currentPosition }

    /// Returns once everything appended before the call is fsynced, without waiting for a
    /// sync window. Throws `StoreError.closed` after `close()` and `.failed` on a failed fsync.
    public func sync() throws(StoreError) {
        try writer.sync()
    }

    /// Deletes every segment file whose records all end at or before `position` (every table
    /// has flushed past them), and makes the removal durable. Never deletes the active segment.
    /// Throws `StoreError.closed` after `close()`, `.io` if a removal fails.
    public func discardSegments(before position: CommitLogPosition) throws(StoreError) {
        try writer.discardSegments(before: position)
    }

    /// Names (not paths) of the live segment files, ascending by id; the last is the active one.
    public var segmentFiles: [String] { writer.segmentFileNames }

    /// Syncs everything appended, stops the periodic syncer and closes the files. Appends
    /// already waiting for a sync complete; later calls throw `StoreError.closed`. Throws
    /// `.failed` if the final fsync fails or the log had already failed (the files are closed
    /// anyway). Idempotent: later calls return at once.
    public func close() throws(StoreError) {
        durability?.close()
        guard writer.beginClose() else { return }
        syncer.join()
        prefaulter.join()
        try writer.finishClose()
    }
}
