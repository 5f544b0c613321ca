#if canImport(Glibc)
import Glibc
#endif
import KVCore

/// Appends records to the active segment and makes them durable with group commit.
///
/// Appenders take the lock only to copy their record into the mapped segment (no system call;
/// a prefaulter thread takes the page faults ahead of them) and learn its position. Durability
/// is then a separate step: one waiting thread becomes the leader, fsyncs everything written so
/// far *outside* the lock, and wakes the others; records written meanwhile ride on the next
/// fsync. So writers keep appending while an fsync runs, and one fsync covers many records
/// under load. Thread-safe.
final class CommitLogWriter: @unchecked Sendable {
    // `state` is read and written only with `lock` held; the rest is immutable.
    private let lock = ConditionLock()
    private var state: CommitLogWriterState
    private let directory: String
    private let fileSystem: any FileSystem
    private let options: CommitLogOptions
    private let clock: any Clock = SystemClock()

    /// A writer appending to `state.active`, in `directory`.
    init(directory: String, fileSystem: any FileSystem, options: CommitLogOptions, state: CommitLogWriterState) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.options = options
        self.state = state
    }

    /// See `CommitLog.write`.
    func write(_ payload: UnsafeRawBufferPointer) throws(StoreError) -> CommitLogPosition {
        guard payload.count <= options.maxRecordSizeBytes else {
            throw .invalidArgument(
                "commit log record of \(payload.count) bytes exceeds the limit of \(options.maxRecordSizeBytes) bytes")
        }
        // Checksumming before taking the lock keeps the critical section to a copy.
        let payloadChecksum = CRC32C.checksum(payload)
        let recordSizeBytes = CommitLogRecord.headerSizeBytes + payload.count
        return try lock.withLock {
            Result { () throws(StoreError) in
                // The state's fields read one by one: calling its methods copied it whole
                // (a reference count on each of its objects, per record).
                if state.isClosing { throw .closed }
                if let failureReason = state.failureReason { throw .failed(reason: failureReason) }
                if state.active.sizeBytes + recordSizeBytes > state.active.capacityBytes {
                    try startNewSegment(capacityBytes: max(options.segmentSizeBytes,
                                                           CommitLogSegmentHeader.sizeBytes + recordSizeBytes))
                    lock.broadcast()  // The old segment was synced whole: its waiters are done.
                }
                try storeRecord(payload, payloadChecksum: payloadChecksum)
                return CommitLogPosition(segment: state.active.id, offset: state.active.sizeBytes)
            }
        }.get()
    }

    var acknowledgesAfterSync: Bool { options.syncMode.acknowledgesAfterSync }

    /// See `CommitLog.waitUntilDurable`.
    func waitUntilDurable(_ position: CommitLogPosition) throws(StoreError) {
        guard options.syncMode.acknowledgesAfterSync else { return }
        try waitUntilSynced(position, honoringGroupWindow: true)
    }

    /// Copies the record into the active segment, where `write` made room. Lock held.
    private func storeRecord(_ payload: UnsafeRawBufferPointer, payloadChecksum: UInt32) throws(StoreError) {
        // Not `let segment = state.active`: that copy counted a reference on each of its parts.
        let offset = state.active.sizeBytes
        do {
            var header = CommitLogRecord.header(payloadChecksum: payloadChecksum, payloadSizeBytes: payload.count,
                                                sequence: state.nextSequence)
            let file = state.active.file
            try withUnsafeBytes(of: &header) { bytes throws(FileSystemError) in try file.store(bytes, at: offset) }
            try file.store(payload, at: offset + CommitLogRecord.headerSizeBytes)
        } catch {
            throw failAndWake("store into \(state.active.path) failed: \(error)")
        }
        if state.recordWritten(sizeBytes: CommitLogRecord.headerSizeBytes + payload.count) {
            lock.broadcast()  // Wakes the prefaulter.
        }
    }

    /// Seals the active segment and starts the next, preallocated to `capacityBytes`. Lock held.
    ///
    /// Sealing cuts the old segment to its records and fsyncs it before anything is written to
    /// the next one, so that only the last segment can ever have a torn tail or preallocated
    /// zeros (see `CommitLogReplayer`). This stalls appenders for the seal's fsync and the new
    /// segment's two, once per segment; in batch and group modes little is unsynced by then.
    private func startNewSegment(capacityBytes: Int) throws(StoreError) {
        let old = state.active
        do {
            try old.file.seal(sizeBytes: old.sizeBytes)
        } catch {
            throw failAndWake("sealing \(old.path) failed: \(error)")
        }
        let next: CommitLogSegment
        do {
            next = try CommitLogSegment.create(directory: directory, id: old.id + 1, firstSequence: state.nextSequence,
                                               capacityBytes: capacityBytes, fileSystem: fileSystem)
        } catch {
            throw failAndWake("creating commit log segment \(old.id + 1) failed: \(error)")
        }
        state.replaceActiveSegment(with: next)
    }

    /// Records a fatal failure and wakes every waiter so it sees it. Lock held.
    private func failAndWake(_ reason: String) -> StoreError {
        let error = state.fail(reason)
        lock.broadcast()
        return error
    }

    /// Returns once every record ending at or before `target` is durable, leading a sync if
    /// none is running. `honoringGroupWindow` is false for explicit `sync()` calls.
    func waitUntilSynced(_ target: CommitLogPosition, honoringGroupWindow: Bool) throws(StoreError) {
        while true {
            let step = lock.withLock {
                while state.mustWait(for: target) { lock.wait() }
                return state.nextSyncStep(toward: target)
            }
            switch step {
            case .synced: return
            case .failed(let reason): throw .failed(reason: reason)
            case .lead:
                if honoringGroupWindow { sleepUntilGroupWindowOpens() }
                runSync()
            }
        }
    }

    /// In `.group` mode, delays the leader until `windowMs` after the previous sync started;
    /// appenders arriving meanwhile join its batch.
    private func sleepUntilGroupWindowOpens() {
        guard case .group(let windowMs) = options.syncMode, windowMs > 0 else { return }
        let opensAtNanos = lock.withLock { state.lastSyncStartNanos } + UInt64(windowMs) * 1_000_000
        let nowNanos = clock.monotonicNanos()
        guard opensAtNanos > nowNanos else { return }
        var remaining = timespec(tv_sec: Int((opensAtNanos - nowNanos) / 1_000_000_000),
                                 tv_nsec: Int((opensAtNanos - nowNanos) % 1_000_000_000))
        var request = remaining
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// The leader's work: fsync everything written so far, publish the result, wake waiters.
    /// The caller has set `isSyncInProgress`.
    private func runSync() {
        let batch = lock.withLock { state.captureSyncBatch(nowNanos: clock.monotonicNanos()) }
        var failure: FileSystemError?
        batch.file.releasePages(before: batch.position.offset)
        do { try batch.file.sync() } catch { failure = error }
        lock.withLock {
            state.finishSync(batch, error: failure)
            lock.broadcast()
        }
    }

    /// See `CommitLog.sync`.
    func sync() throws(StoreError) {
        let target = try lock.withLock {
            Result { () throws(StoreError) in
                try state.checkUsable()
                return state.writtenPosition
            }
        }.get()
        try waitUntilSynced(target, honoringGroupWindow: false)
    }

    // MARK: Lifecycle

    /// The periodic syncer's loop (runs on its own thread): every `windowMs`, fsync if anything
    /// is unsynced, and sooner once the backlog reaches `periodicSyncBacklogBytes` (writers
    /// wake it at every prefault chunk). Sealing a full segment then flushes at most that
    /// backlog under the lock rather than the whole segment (a 21 ms stall of both event
    /// loops per 32 MiB at the default 10 s window). Returns when the log is closing or has failed.
    func runPeriodicSyncs(windowMs: Int) {
        let windowNanos = UInt64(windowMs) * 1_000_000
        while true {
            let deadlineNanos = clock.monotonicNanos() + windowNanos
            let decision: Bool? = lock.withLock {
                // Other events broadcast on the same condition; keep sleeping until the deadline.
                while !state.isClosing, state.failureReason == nil, !state.shouldSyncEarly,
                      clock.monotonicNanos() < deadlineNanos {
                    lock.wait(timeoutMs: max(1, Int((deadlineNanos - clock.monotonicNanos()) / 1_000_000)))
                }
                if state.isClosing || state.failureReason != nil { return nil }
                return state.beginSyncIfBehind()
            }
            guard let shouldSync = decision else { return }
            if shouldSync { runSync() }
        }
    }

    /// The prefaulter's loop (runs on its own thread): faults in the parts of the active segment
    /// that writers ask for, outside every lock. Returns when the log is closing or has failed.
    func runPrefaults() {
        while true {
            let request: CommitLogWriterState.PrefaultRequest? = lock.withLock {
                while state.prefaultRequest == nil, !state.isClosing, state.failureReason == nil { lock.wait() }
                return state.isClosing || state.failureReason != nil ? nil : state.takePrefaultRequest()
            }
            guard let request else { return }
            request.file.prefault(from: request.offset, count: request.count)
        }
    }

    /// Starts closing: refuses new appends and wakes the periodic syncer and the prefaulter so
    /// they exit. Returns
    /// false if the log was already closing.
    func beginClose() -> Bool {
        lock.withLock {
            guard !state.isClosing else { return false }
            state.isClosing = true
            lock.broadcast()
            return true
        }
    }

    /// Syncs everything written, then closes the files (after any running sync ends). Throws
    /// `StoreError.failed` if the final sync fails or the log had already failed.
    func finishClose() throws(StoreError) {
        var syncError: StoreError?
        do {
            try waitUntilSynced(lock.withLock { state.writtenPosition }, honoringGroupWindow: false)
        } catch {
            syncError = error
        }
        lock.withLock {
            while state.isSyncInProgress { lock.wait() }
            state.closeFiles()
        }
        if let syncError { throw syncError }
    }

    /// See `CommitLog.discardSegments`.
    func discardSegments(before position: CommitLogPosition) throws(StoreError) {
        let doomed = try lock.withLock { () -> Result<[CommitLogSegment.Sealed], StoreError> in
            if state.isClosing { return .failure(.closed) }
            return .success(state.removeSealedSegments(endingAtOrBefore: position))
        }.get()
        guard !doomed.isEmpty else { return }
        // If a removal fails, the rest stay on disk unlisted; the next open lists them again.
        do {
            for segment in doomed { try fileSystem.removeFile(joinPath(directory, segment.name)) }
            // Make the removal durable, so that a crash does not bring back segments whose
            // records would all be replayed again (harmless, as the engine skips them, but slow).
            try fileSystem.syncDirectory(directory)
        } catch {
            throw .io(error)
        }
    }

    /// See `CommitLog.currentPosition`.
    var currentPosition: CommitLogPosition { lock.withLock { state.writtenPosition } }

    /// See `CommitLog.segmentFiles`.
    var segmentFileNames: [String] { lock.withLock { state.segmentFileNames } }
}
