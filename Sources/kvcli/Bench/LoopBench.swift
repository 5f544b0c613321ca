import BenchCore
import CQL
import KVClient
import NIOCore

/// The closed-loop workers of one event loop, driven by callbacks instead of tasks: each
/// worker (a `LoopBenchWorker`) sends its operation through the loop's `ClientLane` (an
/// operation with bound values first through its `DirectExecution`, which the lane backs
/// up), and its completion, running on this loop inside the connection's read, records the
/// outcome into this loop's recorder, takes the next ticket and sends the next operation.
/// Nothing is shared with the other loop per operation: tickets come in blocks from the
/// shared counter, and the runner takes this loop's interval (`takeInterval`) when it closes one.
///
/// Confined to `lane.eventLoop` once started (`@unchecked Sendable` so it can be handed to
/// that loop); `done` is completed on that loop when every worker has stopped.
final class LoopBench: @unchecked Sendable {
    /// How many tickets the loop takes from the shared counter at once.
    static let ticketBlockSize = 64

    let lane: ClientLane
    let workload: any BenchWorkload
    let options: StatementOptions
    let limit: Int?
    let deadlineNs: UInt64?
    let records: Bool
    /// Completed when every worker has stopped (tickets or time ran out).
    let done: EventLoopPromise<Void>
    private let tickets: TicketCounter
    private let reportError: @Sendable (String, String, KVClientError) -> Void
    private var recorder = LatencyRecorder()
    private var block: Range<Int> = 0..<0
    private var workers: [LoopBenchWorker] = []
    private var running = 0

    /// The workers of one loop in one phase. `reportError(operation, kind, error)` is called
    /// for every error (the runner prints the first of each kind).
    init(lane: ClientLane, workload: any BenchWorkload, options: StatementOptions, tickets: TicketCounter,
         limit: Int?, deadlineNs: UInt64?, records: Bool,
         reportError: @escaping @Sendable (String, String, KVClientError) -> Void) {
        self.lane = lane
        self.workload = workload
        self.options = options
        self.tickets = tickets
        self.limit = limit
        self.deadlineNs = deadlineNs
        self.records = records
        self.reportError = reportError
        self.done = lane.eventLoop.makePromise(of: Void.self)
    }

    /// Starts a worker per random stream. Call on the lane's loop.
    func start(random streams: [SplitMixRandom]) {
        workers = streams.map { LoopBenchWorker(bench: self, random: $0) }
        running = workers.count
        if running == 0 { done.succeed(()) }
        for worker in workers { worker.sendNext() }
    }

    /// The next ticket for a worker of this loop, or nil when the run's are all taken.
    func nextTicket() -> Int? {
        if block.isEmpty {
            block = tickets.takeBlock(Self.ticketBlockSize, limit: limit)
            if block.isEmpty { return nil }
        }
        return block.popFirst()
    }

    /// A worker has stopped.
    func workerStopped() {
        running -= 1
        // The workers stay until the bench goes: the last one is still on the stack here.
        if running == 0 { done.succeed(()) }
    }

    /// Records one finished operation.
    func record(_ name: String, _ result: Result<ResultSummary, KVClientError>, _ timing: OperationTiming) {
        guard records else { return }
        switch result {
        case .success(let summary):
            recorder.recordSuccess(name, timing: timing, rows: summary.rowCount)
        case .failure(let error):
            switch BenchErrorKind(error) {
            case .timeout: recorder.recordTimeout(name)
            case .error(let kind):
                recorder.recordError(name, kind: kind)
                reportError(name, kind, error)
            }
        }
    }

    /// This loop's operations since the last call. Call on the lane's loop.
    func takeInterval() -> [String: OperationStats] {
        recorder.takeInterval()
    }
}

/// One closed-loop worker of a `LoopBench`: one operation outstanding at a time.
final class LoopBenchWorker {
    /// Not counted per access: the bench holds its workers and outlives them.
    private unowned(unsafe) let bench: LoopBench
    private let makeOperation: OperationMaker
    private var random: SplitMixRandom
    private var operationName = ""
    private var intendedNs: UInt64 = 0
    /// The values of this worker's operations, rewritten in place for each.
    private var bound: [ProtocolValue] = []
    /// The statement of a bound operation in flight, sent again through the lane when the
    /// direct path hands it back.
    private var boundStatement: PreparedStatement?
    /// Made once, so sending an operation allocates no closure.
    private var completion: ((Result<ResultSummary, KVClientError>) -> Void)?
    /// The path bound operations try first (see `DirectExecution`).
    private var direct: DirectExecution?

    init(bench: LoopBench, random: SplitMixRandom) {
        self.bench = bench
        self.random = random
        self.makeOperation = OperationMaker(bench.workload)
        self.completion = { [unowned(unsafe) self] result in self.finish(result) }
        if bench.options.hasOnlyConsistency {
            self.direct = DirectExecution(lane: bench.lane) { [unowned(unsafe) self] outcome in self.directEnded(outcome) }
        }
    }

    /// Sends the next operation, or stops when tickets or time ran out. `nowNs`: the clock
    /// read just before, when the caller has one (one clock read per operation, not two).
    func sendNext(nowNs: UInt64 = MonotonicClock.nowNs()) {
        guard let ticket = bench.nextTicket() else { return stop() }
        if let deadlineNs = bench.deadlineNs, nowNs >= deadlineNs { return stop() }
        // Closed loop: sent when intended.
        intendedNs = nowNs
        if let operation = makeOperation.bound(ticket, &random, &bound) {
            operationName = operation.name
            if let direct, direct.send(operation.statement, bound: bound, consistency: bench.options.consistency) {
                boundStatement = operation.statement
                return
            }
            return bench.lane.execute(operation.statement, bound: bound, options: bench.options,
                                      completion: completion!)
        }
        let operation = makeOperation.unbound(ticket, &random)
        precondition(!operation.paged, "a paged operation on the callback driver")
        operationName = operation.name
        bench.lane.execute(operation.statement, operation.values, options: bench.options,
                           completion: completion!)
    }

    private func directEnded(_ outcome: DirectExecution.Outcome) {
        let statement = boundStatement!
        boundStatement = nil
        switch outcome {
        case .finished(let result): finish(result)
        case .needsFullPath:
            bench.lane.execute(statement, bound: bound, options: bench.options, completion: completion!)
        }
    }

    private func finish(_ result: Result<ResultSummary, KVClientError>) {
        let doneNs = MonotonicClock.nowNs()
        bench.record(operationName, result, OperationTiming(intendedNs: intendedNs, sentNs: intendedNs, doneNs: doneNs))
        // Closed loop: the next operation is intended now. Its latency counts the recording
        // above too, a fraction of a microsecond, rather than read the clock again.
        sendNext(nowNs: doneNs)
    }

    private func stop() {
        completion = nil
        direct = nil
        bench.workerStopped()
    }
}

/// A workload's operation makers as closures over its concrete type, made once per worker:
/// a call through the `any BenchWorkload` existential copied the workload (and counted its
/// references) per operation.
struct OperationMaker {
    let bound: (Int, inout SplitMixRandom, inout [ProtocolValue]) -> BoundOperation?
    let unbound: (Int, inout SplitMixRandom) -> BenchOperation

    init(_ workload: any BenchWorkload) {
        // The kv workload, the one that runs at the highest rates, called on its concrete
        // type (a call through a generic copied the workload per operation).
        if let kv = workload as? KVWorkload {
            self.init(bound: { kv.boundOperation(ticket: $0, random: &$1, into: &$2) },
                      unbound: { kv.operation(ticket: $0, random: &$1) })
        } else {
            self = Self.make(workload)
        }
    }

    private init(bound: @escaping (Int, inout SplitMixRandom, inout [ProtocolValue]) -> BoundOperation?,
                 unbound: @escaping (Int, inout SplitMixRandom) -> BenchOperation) {
        self.bound = bound
        self.unbound = unbound
    }

    private static func make<W: BenchWorkload>(_ workload: W) -> OperationMaker {
        OperationMaker(bound: { workload.boundOperation(ticket: $0, random: &$1, into: &$2) },
                       unbound: { workload.operation(ticket: $0, random: &$1) })
    }
}
