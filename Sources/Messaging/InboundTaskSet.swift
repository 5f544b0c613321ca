import Synchronization

/// The tasks running inbound handlers, bounded in number and cancelled together at shutdown.
///
/// NIO delivers frames on event loop threads, which must not wait for a handler, so each
/// handler call runs in its own task. This set is why those tasks are not hidden: it counts
/// them against `MessagingConfiguration.maxConcurrentInboundMessages`, forgets each when it
/// ends, and cancels all that still run when the transport shuts down. Thread-safe.
final class InboundTaskSet: Sendable {
    private struct State {
        var nextTaskNumber: UInt64 = 0
        var tasks: [UInt64: Task<Void, Never>] = [:]
        var isClosed = false
    }

    private let state = Mutex(State())
    /// The most tasks that run at once.
    let limit: Int

    /// An empty set that admits at most `limit` (> 0) tasks at once.
    init(limit: Int) {
        precondition(limit > 0, "an inbound task limit must be positive")
        self.limit = limit
    }

    /// The number of tasks running now.
    var count: Int { state.withLock { $0.tasks.count } }

    /// Runs `work` in a new task unless `limit` tasks run already or the set is closed.
    /// Returns whether it started; the caller counts and answers a refusal.
    func start(_ work: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { state in
            guard !state.isClosed, state.tasks.count < limit else { return false }
            let number = state.nextTaskNumber
            state.nextTaskNumber += 1
            // The task cannot finish before it is recorded: `finish` waits for this lock.
            state.tasks[number] = Task.preferringInheritedExecutor {
                await work()
                self.finish(number)
            }
            return true
        }
    }

    /// Refuses new tasks and cancels every running one. Does not wait for them to end.
    func closeAndCancelAll() {
        let running = state.withLock { state in
            state.isClosed = true
            return Array(state.tasks.values)
        }
        for task in running { task.cancel() }
    }

    private func finish(_ number: UInt64) {
        _ = state.withLock { $0.tasks.removeValue(forKey: number) }
    }
}
