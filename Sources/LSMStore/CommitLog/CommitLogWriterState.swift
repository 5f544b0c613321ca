import KVCore

/// Everything `CommitLogWriter` guards with its lock, and the decisions taken on it. Holds no
/// lock and does no I/O itself, except closing files the writer is done with.
struct CommitLogWriterState {
    /// The segment records are appended to.
    var active: CommitLogSegment
    /// Segments no longer appended to and not yet discarded, ascending by id.
    var sealed: [CommitLogSegment.Sealed]
    /// Files of sealed segments that a running sync may still be using; closed when it ends.
    /// Closing them earlier could let the descriptor number be reused under the syncer's feet.
    var retiredFiles: [any MappedFile] = []
    /// The sequence number of the next record.
    var nextSequence: UInt64
    /// Every record ending at or before this position is durable.
    var syncedPosition: CommitLogPosition
    /// Whether a thread is between `beginSync` and `finishSync`. At most one is.
    var isSyncInProgress = false
    /// When the last sync started (monotonic), for the `.group` window.
    var lastSyncStartNanos: UInt64 = 0
    /// Set by the first failed write or fsync; from then on every call fails with it.
    var failureReason: String?
    /// Set by `close()`: appends are refused, the final sync runs.
    var isClosing = false
    /// The part of the active segment the prefaulter should fault in next, if any.
    var prefaultRequest: PrefaultRequest?

    /// Pages of a mapped segment to fault in ahead of the writer.
    struct PrefaultRequest {
        let file: any MappedFile
        let offset: Int
        let count: Int
    }

    /// What a sync covers: `file` up to `position`, captured with the lock held.
    struct SyncBatch {
        let file: any MappedFile
        let path: String
        let position: CommitLogPosition
    }

    /// What a thread waiting for durability does next.
    enum SyncStep: Equatable {
        case synced
        case failed(reason: String)
        /// Become the leader: run one sync for everybody, then look again.
        case lead
    }

    /// A state for a log whose new segment `active` follows the replayed segments `sealed`.
    init(active: CommitLogSegment, sealed: [CommitLogSegment.Sealed], nextSequence: UInt64) {
        self.active = active
        self.sealed = sealed
        self.nextSequence = nextSequence
        self.syncedPosition = active.endPosition  // Its header was synced on creation.
        requestPrefaultOfNewSegment()
    }

    /// The position after the last record written.
    var writtenPosition: CommitLogPosition { active.endPosition }

    /// Throws unless appends and syncs are still allowed.
    func checkUsable() throws(StoreError) {
        if isClosing { throw .closed }
        if let failureReason { throw .failed(reason: failureReason) }
    }

    /// Records the first fatal failure and returns the error every caller now gets.
    mutating func fail(_ reason: String) -> StoreError {
        if failureReason == nil { failureReason = reason }
        return .failed(reason: failureReason!)
    }

    /// Accounts for a record of `recordSizeBytes` written to the active segment. Returns
    /// whether it entered a new prefault chunk, so that the chunk after it is now requested.
    mutating func recordWritten(sizeBytes recordSizeBytes: Int) -> Bool {
        let chunkSizeBytes = CommitLogLimits.prefaultChunkSizeBytes
        let startChunk = active.sizeBytes / chunkSizeBytes
        active.sizeBytes += recordSizeBytes
        nextSequence += 1
        let endChunk = active.sizeBytes / chunkSizeBytes
        guard endChunk != startChunk else { return false }
        prefaultRequest = PrefaultRequest(file: active.file, offset: (endChunk + 1) * chunkSizeBytes, count: chunkSizeBytes)
        return true
    }

    /// Requests the first two chunks of a new active segment: the one being written and the next.
    private mutating func requestPrefaultOfNewSegment() {
        prefaultRequest = PrefaultRequest(file: active.file, offset: 0, count: 2 * CommitLogLimits.prefaultChunkSizeBytes)
    }

    /// Takes the pending prefault request, for the prefaulter.
    mutating func takePrefaultRequest() -> PrefaultRequest? {
        defer { prefaultRequest = nil }
        return prefaultRequest
    }

    /// Makes `next` the active segment. The old one must have been sealed.
    mutating func replaceActiveSegment(with next: CommitLogSegment) {
        let old = active
        sealed.append(old.sealed)
        syncedPosition = max(syncedPosition, old.endPosition)
        if isSyncInProgress {
            retiredFiles.append(old.file)
        } else {
            try? old.file.close()  // Already synced: a close error cannot lose data.
        }
        active = next
        requestPrefaultOfNewSegment()
    }

    /// Whether a thread waiting for `target` to be durable must keep waiting: another thread's
    /// sync is running and may cover it.
    func mustWait(for target: CommitLogPosition) -> Bool {
        failureReason == nil && syncedPosition < target && isSyncInProgress
    }

    /// Decides, once `mustWait` is false, what a thread waiting for `target` does.
    mutating func nextSyncStep(toward target: CommitLogPosition) -> SyncStep {
        if let failureReason { return .failed(reason: failureReason) }
        if syncedPosition >= target { return .synced }
        isSyncInProgress = true
        return .lead
    }

    /// Bytes of the active segment written since the last sync that covered them (its
    /// header counted when no sync has covered it yet).
    var unsyncedBytes: Int {
        syncedPosition.segment == active.id ? active.sizeBytes - syncedPosition.offset : active.sizeBytes
    }

    /// For the periodic syncer: whether to sync before its window ends, because the backlog
    /// reached `CommitLogLimits.periodicSyncBacklogBytes` and no sync is running.
    var shouldSyncEarly: Bool {
        !isSyncInProgress && unsyncedBytes >= CommitLogLimits.periodicSyncBacklogBytes
    }

    /// For the periodic syncer: starts a sync if data is unsynced and none is running.
    mutating func beginSyncIfBehind() -> Bool {
        guard failureReason == nil, !isSyncInProgress, syncedPosition < writtenPosition else { return false }
        isSyncInProgress = true
        return true
    }

    /// Captures what the leader's sync covers: everything written so far.
    mutating func captureSyncBatch(nowNanos: UInt64) -> SyncBatch {
        precondition(isSyncInProgress, "only the sync leader captures a batch")
        lastSyncStartNanos = nowNanos
        return SyncBatch(file: active.file, path: active.path, position: writtenPosition)
    }

    /// Ends the running sync with its outcome; closes files retired while it ran.
    mutating func finishSync(_ batch: SyncBatch, error: FileSystemError?) {
        precondition(isSyncInProgress, "finishSync without a sync in progress")
        isSyncInProgress = false
        if let error {
            _ = fail("fsync of \(batch.path) failed: \(error)")
        } else {
            syncedPosition = max(syncedPosition, batch.position)
        }
        closeRetiredFiles()
    }

    /// Removes and returns the sealed segments whose records all end at or before `position`.
    /// The active segment is never among them.
    mutating func removeSealedSegments(endingAtOrBefore position: CommitLogPosition) -> [CommitLogSegment.Sealed] {
        let doomed = sealed.filter { $0.endPosition <= position }
        sealed.removeAll { $0.endPosition <= position }
        return doomed
    }

    /// Names of every live segment file, ascending by id.
    var segmentFileNames: [String] { sealed.map(\.name) + [CommitLogSegment.fileName(id: active.id)] }

    /// Closes the active file and any retired ones. Only when no sync is running. A healthy
    /// active segment is sealed first, so that a clean shutdown leaves no preallocated zeros.
    mutating func closeFiles() {
        precondition(!isSyncInProgress, "closing files under a running sync")
        closeRetiredFiles()
        // After the final sync, a failed seal or close loses nothing: replay ignores the zeros.
        if failureReason == nil { try? active.file.seal(sizeBytes: active.sizeBytes) }
        try? active.file.close()
    }

    private mutating func closeRetiredFiles() {
        for file in retiredFiles { try? file.close() }  // Synced before they were retired.
        retiredFiles.removeAll()
    }
}
