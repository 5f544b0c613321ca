import KVCore
import Synchronization

/// Runs every task of a simulated cluster on the calling thread, one job at a time in the
/// order they were enqueued, with virtual time: when no job is ready, time jumps to the
/// earliest sleeper's deadline and wakes it. Nothing depends on the machine's speed or
/// thread scheduling, so a seed replays a run exactly.
///
/// Tasks reach this executor by preference: `run` starts the body with it preferred and
/// sets `InheritedExecutor.preferred`, so child tasks and the unstructured tasks our code
/// starts (`Task.preferringInheritedExecutor`) stay here too.
public final class SimulationExecutor: TaskExecutor, @unchecked Sendable {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var jobs: [UnownedJob] = []
        var nextJob = 0
        var now: Duration = .zero
        /// Registered sleepers by id; ids grow, so (deadline, id) orders ties by arrival.
        var sleepers: [UInt64: Sleeper] = [:]
        /// Sleeps started but not yet registered or finished, and those cancelled meanwhile.
        var starting: Set<UInt64> = []
        var cancelledWhileStarting: Set<UInt64> = []
        var lastSleeperID: UInt64 = 0
        var jobsRun = 0
        /// Jobs run since virtual time last moved.
        var jobsAtThisInstant = 0
    }

    /// Jobs that may run without virtual time moving before the run counts as a livelock
    /// (tasks that keep waking each other and never wait for time).
    static let maxJobsPerInstant = 1_000_000

    private let state = Mutex(State())

    public init() {}

    /// Virtual time since the simulation began.
    public var now: Duration { state.withLock { $0.now } }

    /// Jobs run so far (a measure of the work a seed did).
    public var jobsRun: Int { state.withLock { $0.jobsRun } }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        state.withLock { $0.jobs.append(unowned) }
    }

    /// Runs `body` to completion in virtual time and returns its result. Throws when the body
    /// waits on something that can never happen (no job ready, nobody sleeping: a deadlock,
    /// or a task that escaped to another executor), or when virtual time passes `limit`.
    public func run<Result: Sendable>(limit: Duration,
                                      _ body: @escaping @Sendable () async -> Result) throws(SimulationError) -> Result {
        let result = Mutex<Result?>(nil)
        Task(executorPreference: self) {
            let value = await InheritedExecutor.$preferred.withValue(self) { await body() }
            result.withLock { $0 = value }
        }
        while true {
            if let job = nextJob() {
                job.runSynchronously(on: asUnownedTaskExecutor())
                if state.withLock({ $0.jobsAtThisInstant }) > Self.maxJobsPerInstant { throw .livelock(at: now) }
                continue
            }
            if let value = result.withLock({ $0 }) { return value }
            guard let (deadline, sleeper) = earliestSleeper() else { throw .stalled(at: now) }
            guard deadline <= limit else { throw .timeLimitExceeded(limit) }
            sleeper.resume()
        }
    }

    private func nextJob() -> UnownedJob? {
        state.withLock { state in
            guard state.nextJob < state.jobs.count else { return nil }
            let job = state.jobs[state.nextJob]
            state.nextJob += 1
            state.jobsRun += 1
            state.jobsAtThisInstant += 1
            if state.nextJob > 4096, state.nextJob * 2 > state.jobs.count {
                state.jobs.removeFirst(state.nextJob)
                state.nextJob = 0
            }
            return job
        }
    }

    /// Removes the sleeper due first, moves time to its deadline and returns it.
    private func earliestSleeper() -> (Duration, CheckedContinuation<Void, any Error>)? {
        state.withLock { state in
            guard let (id, sleeper) = state.sleepers.min(by: { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) })
            else { return nil }
            state.sleepers[id] = nil
            if sleeper.deadline > state.now {
                state.now = sleeper.deadline
                state.jobsAtThisInstant = 0
            }
            return (sleeper.deadline, sleeper.continuation)
        }
    }

    /// Suspends the calling task until virtual time reaches `deadline`; throws
    /// `CancellationError` at once if the task is cancelled first.
    func sleep(until deadline: Duration) async throws {
        let id = state.withLock { state in
            state.lastSleeperID += 1
            state.starting.insert(state.lastSleeperID)
            return state.lastSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    state.starting.remove(id)
                    if state.cancelledWhileStarting.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return sleeper.continuation }
                if state.starting.contains(id) { state.cancelledWhileStarting.insert(id) }
                return nil
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }
}

/// Why a simulation could not finish.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    /// Nothing could run any more and the body had not finished.
    case stalled(at: Duration)
    /// Virtual time would pass the run's limit.
    case timeLimitExceeded(Duration)
    /// Tasks kept running without ever waiting for time.
    case livelock(at: Duration)

    public var description: String {
        switch self {
        case .stalled(let time):
            "the simulation stalled at \(time): no task can run and none is sleeping (a deadlock, or a task escaped the simulation executor)"
        case .timeLimitExceeded(let limit): "the simulation ran past its virtual time limit of \(limit)"
        case .livelock(let time):
            "the simulation livelocked at \(time): \(SimulationExecutor.maxJobsPerInstant) jobs ran without virtual time moving"
        }
    }
}
