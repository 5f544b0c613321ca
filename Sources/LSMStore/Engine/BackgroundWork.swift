/// The store's two background workers: one thread flushes immutable memtables in the
/// order they were switched out; one thread runs compactions. Both sleep until asked.
final class BackgroundWork: @unchecked Sendable {
    // Mutable fields are guarded by `lock`.
    private let lock = ConditionLock()
    private var flushQueue: [LSMTable] = []
    private var compactionRequested = false
    private var memtableSpaceCheckRequested = false
    private var stopping = false
    private var threads: [BackgroundThread] = []
    /// How often the compaction worker looks for work even when not asked (ms).
    static let compactionPollIntervalMs = 1000

    /// Starts the workers. `tables` lists the store's open tables when called.
    /// `afterFlush` runs on the flush thread after each flush (to free commit-log segments).
    /// The flush thread also keeps the mutable memtables of all tables within
    /// `memtableSpaceBytes` when asked (`requestMemtableSpaceCheck`).
    func start(tables: @escaping @Sendable () -> [LSMTable], memtableSpaceBytes: Int,
               afterFlush: @escaping @Sendable () -> Void) {
        threads.append(BackgroundThread(name: "lsm-flush") { [self] in
            runFlushes(tables: tables, memtableSpaceBytes: memtableSpaceBytes, afterFlush: afterFlush)
        })
        threads.append(BackgroundThread(name: "lsm-compact") { [self] in runCompactions(tables: tables) })
    }

    /// Queues a flush of `table`'s oldest immutable memtable.
    func requestFlush(_ table: LSMTable) {
        lock.withLock { flushQueue.append(table) }
        lock.broadcast()
    }

    /// Asks the flush worker to check the memtable space of the store (a table's memtable grew).
    func requestMemtableSpaceCheck() {
        lock.withLock { memtableSpaceCheckRequested = true }
        lock.broadcast()
    }

    /// Asks the compaction worker to look for work now.
    func requestCompaction() {
        lock.withLock { compactionRequested = true }
        lock.broadcast()
    }

    /// Wakes every worker (after a failure or to notice a state change).
    func wakeAll() { lock.broadcast() }

    /// Finishes queued flushes, then stops both workers and waits for them.
    func stop() {
        lock.withLock { stopping = true }
        lock.broadcast()
        for thread in threads { thread.join() }
        threads = []
    }

    private func runFlushes(tables: () -> [LSMTable], memtableSpaceBytes: Int, afterFlush: () -> Void) {
        while let work = nextFlushWork() {
            switch work {
            case .flush(let table):
                table.flushOldestImmutable()
                afterFlush()
            case .checkMemtableSpace:
                Self.switchLargestMemTables(of: tables(), toFit: memtableSpaceBytes)
            }
        }
    }

    /// What the flush thread does next.
    private enum FlushWork {
        case flush(LSMTable)
        case checkMemtableSpace
    }

    private func nextFlushWork() -> FlushWork? {
        lock.withLock {
            while flushQueue.isEmpty && !memtableSpaceCheckRequested && !stopping { lock.wait() }
            if !flushQueue.isEmpty { return .flush(flushQueue.removeFirst()) }
            if memtableSpaceCheckRequested && !stopping {
                memtableSpaceCheckRequested = false
                return .checkMemtableSpace
            }
            return nil
        }
    }

    /// Switches out the largest mutable memtables, largest first, until those left hold at
    /// most `spaceBytes` together (Cassandra's memtable cleanup: one busy table may grow to
    /// its own limit, many cannot together).
    static func switchLargestMemTables(of tables: [LSMTable], toFit spaceBytes: Int) {
        var sizes = tables.map { (table: $0, bytes: $0.mutableMemTableBytes) }
        var total = sizes.reduce(0) { $0 + $1.bytes }
        sizes.sort { $0.bytes > $1.bytes }
        for entry in sizes where total > spaceBytes && entry.bytes > 0 {
            entry.table.switchMemTable()
            total -= entry.bytes
        }
    }

    private func runCompactions(tables: @Sendable () -> [LSMTable]) {
        while waitForCompactionRequest() {
            for table in tables() where !isStopping {
                table.runBackgroundCompactions(shouldStop: { [self] in isStopping })
            }
        }
    }

    private func waitForCompactionRequest() -> Bool {
        lock.withLock {
            if !compactionRequested && !stopping { lock.wait(timeoutMs: Self.compactionPollIntervalMs) }
            compactionRequested = false
            return !stopping
        }
    }

    private var isStopping: Bool { lock.withLock { stopping } }
}
