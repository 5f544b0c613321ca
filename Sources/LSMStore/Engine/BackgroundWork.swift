/// The store's two background workers: one thread flushes immutable memtables in the
/// order they were switched out; one thread runs compactions. Both sleep until asked.
final class BackgroundWork: @unchecked Sendable {
    // Mutable fields are guarded by `lock`.
    private let lock = ConditionLock()
    private var flushQueue: [LSMTable] = []
    private var compactionRequested = false
    private var stopping = false
    private var threads: [BackgroundThread] = []
    /// How often the compaction worker looks for work even when not asked (ms).
    static let compactionPollIntervalMs = 1000

    /// Starts the workers. `tables` lists the store's open tables when called.
    /// `afterFlush` runs on the flush thread after each flush (to free commit-log segments).
    func start(tables: @escaping @Sendable () -> [LSMTable], afterFlush: @escaping @Sendable () -> Void) {
        threads.append(BackgroundThread(name: "lsm-flush") { [self] in runFlushes(afterFlush: afterFlush) })
        threads.append(BackgroundThread(name: "lsm-compact") { [self] in runCompactions(tables: tables) })
    }

    /// Queues a flush of `table`'s oldest immutable memtable.
    func requestFlush(_ table: LSMTable) {
        lock.withLock { flushQueue.append(table) }
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

    private func runFlushes(afterFlush: () -> Void) {
        while let table = nextFlush() {
            table.flushOldestImmutable()
            afterFlush()
        }
    }

    private func nextFlush() -> LSMTable? {
        lock.withLock {
            while flushQueue.isEmpty && !stopping { lock.wait() }
            return flushQueue.isEmpty ? nil : flushQueue.removeFirst()
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
