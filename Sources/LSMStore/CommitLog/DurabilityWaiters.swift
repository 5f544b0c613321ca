/// Lets tasks wait for an fsync of the `group` and `batch` sync modes without blocking a
/// thread: a waiter suspends, and one dedicated thread waits for the fsync on behalf of
/// everyone waiting, then resumes them all.
///
/// Why: requests run on event loops, and a blocking wait there held up every other
/// connection of the loop for a whole sync window, one write after another (group mode
/// managed about 500 writes a second). Suspended waiters instead pile up while a sync runs
/// and all ride on the next one. Thread-safe.
final class DurabilityWaiters: @unchecked Sendable {
    // `waiting` and `isClosing` are guarded by `lock`.
    private let lock = ConditionLock()
    private var waiting: [(position: CommitLogPosition, continuation: CheckedContinuation<StoreError?, Never>)] = []
    private var isClosing = false

    /// Returns once the record ending at `position` is durable. Throws what the sync threw,
    /// or `.closed` when the log closes first.
    func waitUntilDurable(_ position: CommitLogPosition) async throws(StoreError) {
        let failure = await withCheckedContinuation { (continuation: CheckedContinuation<StoreError?, Never>) in
            lock.withLock {
                if isClosing {
                    continuation.resume(returning: StoreError.closed)
                } else {
                    waiting.append((position, continuation))
                    lock.broadcast()
                }
            }
        }
        if let failure { throw failure }
    }

    /// The serving thread's loop: takes everyone waiting, waits (blocking) until the furthest
    /// of their positions is durable with `waitUntilDurable`, and resumes them. Returns once
    /// closing and nobody waits.
    func serve(_ waitUntilDurable: (CommitLogPosition) throws(StoreError) -> Void) {
        while true {
            let batch = lock.withLock {
                while waiting.isEmpty && !isClosing { lock.wait() }
                defer { waiting.removeAll() }
                return waiting
            }
            guard let target = batch.map(\.position).max() else { return }
            var failure: StoreError?
            do { try waitUntilDurable(target) } catch { failure = error }
            for waiter in batch { waiter.continuation.resume(returning: failure) }
        }
    }

    /// Refuses new waiters; the serving thread still serves those already waiting, then ends.
    func close() {
        lock.withLock {
            isClosing = true
            lock.broadcast()
        }
    }
}
