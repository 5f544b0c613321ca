#if canImport(Glibc)
import Glibc
#endif
import KVCore
import Synchronization

/// One table's LSM tree: a mutable memtable, immutable memtables being flushed, and
/// levels of SSTables. Writes go to the store's shared commit log first.
///
/// Thread-safe: any number of threads may write and read at once. Reads take a snapshot
/// (`TableVersion`) and never wait for flushes or compactions.
public final class LSMTable: @unchecked Sendable {
    // Mutable state: `current` behind its Mutex; memtable inserts and registration under
    // their shard's write lock, switches under all of them (`writeLocks`); level changes
    // (flush and compaction installs) under `levelChangeLock`.
    public let id: TableID
    let options: TableOptions
    let context: StoreContext
    let current: Mutex<TableVersion>
    let writeLocks = MemTableWriteLocks()
    let levelChangeLock = ConditionLock()
    /// Serialises compactions of this table (background and manual).
    let compactionLock = ConditionLock()
    var compactionRunning = false
    /// Records ending at or before this position are in SSTables; guarded by levelChangeLock.
    var replayAfter: CommitLogPosition
    let isDropped = Atomic<Bool>(false)
    /// Leveled compaction's round-robin cursor per level (the last key compacted).
    var compactionCursors: [Int: [UInt8]] = [:]

    init(id: TableID, options: TableOptions, context: StoreContext, levels: [[SSTableHandle]],
         replayAfter: CommitLogPosition) {
        self.id = id
        self.options = options
        self.context = context
        self.replayAfter = replayAfter
        current = Mutex(TableVersion(memTable: MemTable(), immutables: [], levels: levels))
    }

    /// The current snapshot.
    var version: TableVersion { current.withLock { $0 } }

    // MARK: Writing

    /// Whether `apply` waits for an fsync before it returns (`group` and `batch` sync modes).
    public var acknowledgesAfterSync: Bool { context.commitLog.acknowledgesAfterSync }

    /// Applies one partition update: logged in the commit log (and, in `group` and `batch`
    /// sync modes, fsynced) before it becomes visible and before this returns.
    /// Slows down, never fails, when flushes or compactions fall behind.
    public func apply(_ update: PartitionUpdate) throws {
        let payload = try logPayload(update)
        guard context.commitLog.acknowledgesAfterSync else {
            try applyWithoutWaitingForSync(update, payload: payload)
            return
        }
        let (position, memTable) = try register(payload: payload, partitionKey: update.partitionKey)
        defer { finishWrite(memTable, partitionKey: update.partitionKey) }
        try context.commitLog.waitUntilDurable(position)
        insert(update, payload: payload, into: memTable)
    }

    /// Applies a single-row write when the table acknowledges writes without waiting for
    /// their fsync (`periodic` sync): true once applied. False, with nothing done, in `group`
    /// and `batch` modes, where the caller applies the write as a `PartitionUpdate`.
    public func applyUnlessWaitingForSync(_ write: SingleRowWrite) throws -> Bool {
        guard !context.commitLog.acknowledgesAfterSync else { return false }
        try checkOpen()
        try Self.validateKey(partitionKey: write.partitionKey, clusteringBytes: write.clusteringCount)
        throttleForCompaction()
        try logAndInsert(write.payload, partitionKey: write.partitionKey) { memTable, scratch in
            memTable.apply(write, scratch: &scratch)
        }
        return true
    }

    /// `apply` for tasks: in `group` and `batch` sync modes the wait for the fsync suspends
    /// the task instead of blocking its thread (an event loop serving other connections).
    /// The same in `periodic` mode, where nothing waits.
    public nonisolated(nonsending) func applyAwaitingSync(_ update: PartitionUpdate) async throws {
        guard context.commitLog.acknowledgesAfterSync else {
            try apply(update)
            return
        }
        let payload = try logPayload(update)
        let (position, memTable) = try register(payload: payload, partitionKey: update.partitionKey)
        defer { finishWrite(memTable, partitionKey: update.partitionKey) }
        try await context.commitLog.waitUntilDurable(position)
        insert(update, payload: payload, into: memTable)
    }

    /// Inserts a logged update into `memTable`, under the write lock of its shard.
    private func insert(_ update: PartitionUpdate, payload: [UInt8], into memTable: MemTable) {
        writeLocks.withShard(of: update.partitionKey) { shard in
            payload.withUnsafeBytes { memTable.apply(update, payload: $0, scratch: &shard.scratch) }
        }
    }

    /// Checks an update and encodes its commit-log record, after any compaction throttle.
    private func logPayload(_ update: PartitionUpdate) throws -> [UInt8] {
        try checkOpen()
        try Self.validate(update)
        var rowBytes = 0
        for index in update.rows.indices {
            rowBytes += update.rows[index].clustering.count + 10 + RowCodec.estimatedSizeBytes(update.rows[index])
        }
        var writer = ByteWriter(capacity: 64 + update.partitionKey.count + rowBytes)
        PartitionUpdateCodec.encode(update, table: id, into: &writer)
        throttleForCompaction()
        return writer.bytes
    }

    /// `periodic` sync: the record is durable once written, so logging and the memtable
    /// insert happen in one hold of the shard's write lock (perf: the three holds of the
    /// waiting path contended between event loops).
    private func applyWithoutWaitingForSync(_ update: PartitionUpdate, payload: [UInt8]) throws {
        try logAndInsert(payload, partitionKey: update.partitionKey) { memTable, scratch in
            payload.withUnsafeBytes { memTable.apply(update, payload: $0, scratch: &scratch) }
        }
    }

    /// Logs `payload` and, in the same hold of the shard's write lock, has `insert` put the
    /// write into the mutable memtable (with the shard's scratch key space).
    private func logAndInsert(_ payload: [UInt8], partitionKey: [UInt8],
                              insert: (MemTable, inout [UInt8]) -> Void) throws {
        let memTable = try writeLocks.withShard(of: partitionKey) { shard -> Result<MemTable, StoreError> in
            logHoldingLock(payload, shard: shard).map { _, memTable in
                insert(memTable, &shard.scratch)
                return memTable
            }
        }.get()
        noteGrowth(of: memTable, afterWritingTo: partitionKey)
    }

    /// Waits out the flush backlog, then appends the payload to the commit log: a copy into its
    /// mapped segment, so no system call runs under the write lock. Returns the record's
    /// position and the mutable memtable, which stays so while `shard`'s lock is held.
    private func logHoldingLock(_ payload: [UInt8], shard: MemTableWriteLocks.Shard)
        -> Result<(CommitLogPosition, MemTable), StoreError> {
        let memTable = waitForFlushBacklog(shard)
        if isDropped.load(ordering: .acquiring) { return .failure(.closed) }
        return Result { () throws(StoreError) in (try context.commitLog.write(payload), memTable) }
    }

    /// Holds a writer while the table has as many memtables waiting for flush as allowed,
    /// then returns the mutable memtable. `shard`'s lock held.
    private func waitForFlushBacklog(_ shard: MemTableWriteLocks.Shard) -> MemTable {
        while true {
            // The two fields, not the whole version: copying it counted a reference on each
            // of its parts, on every write.
            let (backlog, memTable) = current.withLock { ($0.immutables.count, $0.memTable) }
            if backlog < context.options.maxFlushBacklog || context.hasFailed || isDropped.load(ordering: .acquiring) {
                return memTable
            }
            shard.lock.wait(timeoutMs: 100)
        }
    }

    /// Refuses updates whose keys no SSTable could hold, before they reach the commit log.
    static func validate(_ update: PartitionUpdate) throws {
        // The longest row key decides; with no rows, the partition key alone.
        var longestClustering = 0
        for row in update.rows { longestClustering = max(longestClustering, row.clustering.count) }
        try validateKey(partitionKey: update.partitionKey, clusteringBytes: longestClustering)
    }

    /// Refuses a row key, of a row with `clusteringBytes` of clustering, that no SSTable could hold.
    static func validateKey(partitionKey: [UInt8], clusteringBytes: Int) throws {
        let prefixBytes = RowKey.partitionPrefixSizeBytes(partitionKey)
        if prefixBytes > SSTableFormat.maxKeySizeBytes {
            throw StoreError.invalidArgument("partition key of \(partitionKey.count) bytes exceeds the limit")
        }
        if prefixBytes + clusteringBytes > SSTableFormat.maxKeySizeBytes {
            throw StoreError.invalidArgument(
                "row key of \(prefixBytes + clusteringBytes) bytes exceeds the limit of \(SSTableFormat.maxKeySizeBytes)")
        }
    }

    /// Logs the payload and registers the write against the mutable memtable.
    private func register(payload: [UInt8], partitionKey: [UInt8]) throws -> (CommitLogPosition, MemTable) {
        try writeLocks.withShard(of: partitionKey) { shard -> Result<(CommitLogPosition, MemTable), StoreError> in
            logHoldingLock(payload, shard: shard).map { position, memTable in
                memTable.pendingWriters.add(1, ordering: .relaxed)
                return (position, memTable)
            }
        }.get()
    }

    private func finishWrite(_ memTable: MemTable, partitionKey: [UInt8]) {
        memTable.pendingWriters.subtract(1, ordering: .releasing)
        noteGrowth(of: memTable, afterWritingTo: partitionKey)
        if memTable.switchPosition != nil { context.background.wakeAll() }
    }

    /// After a write to `memTable`: switches it out once it holds the table's limit; else,
    /// whenever its size was summed, asks the flush worker to check the memtable space of
    /// the whole store (`StoreOptions.memtableSpaceBytes`).
    private func noteGrowth(of memTable: MemTable, afterWritingTo partitionKey: [UInt8]) {
        let limit = context.options.memtableSizeBytes
        guard let size = memTable.summedSize(towards: limit, afterWritingTo: partitionKey) else { return }
        if size >= limit {
            switchMemTable(ifCurrent: memTable)
        } else {
            context.background.requestMemtableSpaceCheck()
        }
    }

    /// Bytes held by the mutable memtable.
    var mutableMemTableBytes: Int { version.memTable.memoryBytes }

    /// Makes the mutable memtable immutable and queues its flush. No-op if it is empty, or
    /// when `expected` is given and is no longer the mutable memtable (two writers that
    /// both found it full switch it once). Returns whether a switch happened.
    @discardableResult
    func switchMemTable(ifCurrent expected: MemTable? = nil) -> Bool {
        let switched = writeLocks.withAll { () -> Bool in
            let old = version.memTable
            if let expected, old !== expected { return false }
            guard !old.isEmpty || old.pendingWriters.load(ordering: .acquiring) > 0 else { return false }
            old.switchPosition = context.commitLog.currentPosition
            current.withLock { $0 = $0.replacing(memTable: MemTable(), immutables: [old] + $0.immutables) }
            return true
        }
        if switched { context.background.requestFlush(self) }
        return switched
    }

    /// Delays a writer while compaction is behind: a millisecond per write past the
    /// slowdown threshold, waiting for compaction past the stop threshold.
    private func throttleForCompaction() {
        var count = sstableCountForThrottling
        guard count >= context.options.slowdownSSTableCount else { return }
        context.background.requestCompaction()
        while count >= context.options.stopSSTableCount && !context.hasFailed && !isDropped.load(ordering: .relaxed) {
            compactionLock.withLock { compactionLock.wait(timeoutMs: 50) }
            count = sstableCountForThrottling
        }
        usleepMilliseconds(1)
    }

    private var sstableCountForThrottling: Int {
        // Counted under the lock rather than on a copy of the levels (a reference count per write).
        current.withLock { version in
            switch options.compaction {
            case .leveled: return version.levels.first?.count ?? 0
            case .sizeTiered: return version.levels.reduce(0) { $0 + $1.count }
            }
        }
    }

    // MARK: Reading

    /// The live view of one row at the clock's current time: every fragment reconciled,
    /// tombstones applied, expired and deleted cells removed. Nil if nothing is live.
    public func read(partition: [UInt8], clustering: [UInt8]) throws -> Row? {
        try checkOpen()
        guard var row = try readMerged(partition: partition, clustering: clustering) else { return nil }
        let nowSeconds = context.clock.nowSeconds()
        row.removeDeadCells(nowSeconds: nowSeconds)
        row.deletion = nil
        return row.cells.isEmpty ? nil : row
    }

    /// A cursor over the live rows in `range`, in storage order, as of the clock's time now.
    ///
    /// With `blocksMayMatch`, SSTable blocks whose statistics make it return false are
    /// skipped unread where that is safe (see `BlockSkipPolicy`). The predicate only prunes:
    /// rows of other blocks are returned whether or not they match, and the caller filters.
    /// Without `fillsCache`, blocks read from files are not kept in the block cache, so a
    /// scan over more data than the cache holds does not evict what point reads use.
    public func scan(_ range: ScanRange = .all, blocksMayMatch: (@Sendable (BlockStatistics) -> Bool)? = nil,
                     fillsCache: Bool = true) throws -> TableScanner {
        try checkOpen()
        let snapshot = version
        let policy = blocksMayMatch.map { BlockSkipPolicy(mayMatch: $0, version: snapshot) }
        return try TableScanner(version: snapshot, range: range, nowSeconds: context.clock.nowSeconds(),
                                skipPolicy: policy, fillsCache: fillsCache)
    }

    /// Row fragments the table holds in memtables and SSTables: an upper bound of its rows
    /// (overwritten rows count once per fragment), cheap enough to ask per query.
    public var estimatedRowCount: Int {
        let snapshot = version
        return snapshot.memTables.reduce(0) { $0 + $1.rowCount }
            + snapshot.allSSTables.reduce(0) { $0 + $1.statistics.entryCount }
    }

    // MARK: Flushing

    /// Switches the memtable out and waits until everything written before the call is in
    /// SSTables.
    public func flush() throws {
        try checkOpen()
        switchMemTable()
        try waitForFlushes()
    }

    /// Waits until no immutable memtable is left.
    func waitForFlushes() throws {
        while !version.immutables.isEmpty {
            try checkOpen()
            writeLocks.wait(timeoutMs: 20)
        }
    }

    /// Writes the oldest immutable memtable to an SSTable and installs it (flush worker).
    func flushOldestImmutable() {
        guard !isDropped.load(ordering: .acquiring), !context.hasFailed,
              let memTable = version.immutables.last else { return }
        while memTable.pendingWriters.load(ordering: .acquiring) > 0 { usleepMilliseconds(1) }
        do {
            let handle = try MemTableFlusher(table: self, memTable: memTable).writeSSTable()
            try installFlush(of: memTable, handle: handle)
        } catch {
            context.fail("flush of table \(id) failed: \(error)")
        }
        writeLocks.broadcast()
        context.background.requestCompaction()
    }

    private func installFlush(of memTable: MemTable, handle: SSTableHandle?) throws {
        try levelChangeLock.withLock { () throws in
            // Truncated or dropped while the flush ran: its rows must not come back.
            guard !isDropped.load(ordering: .acquiring), version.immutables.contains(where: { $0 === memTable }) else {
                handle?.markObsolete()
                return
            }
            var levels = version.levels
            if let handle { levels[0].insert(handle, at: 0) }
            let newReplayAfter = memTable.switchPosition ?? replayAfter
            try context.updateManifest { manifest in
                manifest.setTable(id, files: Self.fileEntries(levels), replayAfter: newReplayAfter)
            }
            replayAfter = newReplayAfter
            current.withLock { $0 = $0.replacing(immutables: $0.immutables.filter { $0 !== memTable }, levels: levels) }
        }
    }

    static func fileEntries(_ levels: [[SSTableHandle]]) -> [Manifest.FileEntry] {
        levels.enumerated().flatMap { level, files in
            files.map { Manifest.FileEntry(fileNumber: $0.fileNumber, level: level) }
        }
    }

    /// The commit-log position before which this table needs no record: everything up to
    /// there is in SSTables, or nothing is pending at all.
    func commitLogFrontier() -> CommitLogPosition {
        let idlePosition = writeLocks.withAll { () -> CommitLogPosition? in
            let snapshot = version
            let idle = snapshot.immutables.isEmpty && snapshot.memTable.isEmpty
                && snapshot.memTable.pendingWriters.load(ordering: .acquiring) == 0
            return idle ? context.commitLog.currentPosition : nil
        }
        // Read after the write locks are released (truncate takes them inside
        // levelChangeLock); a later replayAfter is as valid, as it only moves forward.
        return idlePosition ?? levelChangeLock.withLock { replayAfter }
    }

    // MARK: Lifecycle

    /// Makes a memtable rebuilt from the commit log the mutable one (at open, before any write).
    func adoptReplayed(_ memTable: MemTable) {
        current.withLock { $0 = $0.replacing(memTable: memTable) }
    }

    /// Drops every row: memtables are discarded and SSTables removed, durably, and the
    /// commit log's earlier records of this table will not be replayed.
    func truncate() throws {
        try checkOpen()
        try compactionLock.withLock { () throws in
            while compactionRunning { compactionLock.wait() }
            try levelChangeLock.withLock { () throws in
                let (position, old) = writeLocks.withAll { () -> (CommitLogPosition, TableVersion) in
                    let old = version
                    current.withLock { $0 = TableVersion(memTable: MemTable(), immutables: [], levels: Self.emptyLevels) }
                    return (context.commitLog.currentPosition, old)
                }
                try context.updateManifest { $0.setTable(id, files: [], replayAfter: position) }
                replayAfter = position
                for handle in old.allSSTables { handle.markObsolete() }
            }
        }
        writeLocks.broadcast()
    }

    /// Marks the table dropped: later calls throw `.closed`; its files are deleted as the
    /// last readers finish.
    func markDropped() {
        isDropped.store(true, ordering: .releasing)
        let snapshot = version
        for handle in snapshot.allSSTables { handle.markObsolete() }
        writeLocks.broadcast()
    }

    func checkOpen() throws {
        if isDropped.load(ordering: .acquiring) { throw StoreError.closed }
        try context.checkHealthy()
    }

    static var emptyLevels: [[SSTableHandle]] { [[]] }
}

func usleepMilliseconds(_ milliseconds: Int) {
    var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
    nanosleep(&request, nil)
}
