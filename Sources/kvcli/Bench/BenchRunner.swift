import BenchCore
import CQL
import KVClient
import NIOCore
import Synchronization

/// Drives a workload: `workers` (connections × in-flight) take operation numbers from one
/// counter, send them through the client and record their timing, while a ticker closes a
/// one-second interval and prints a progress line. An optional warmup phase runs first and
/// records nothing.
///
/// Closed-loop runs of unpaged operations use the callback driver: per event loop a
/// `LoopBench` whose workers are state machines on that loop, sending through a
/// `ClientLane` (no task, suspension or lock per operation). Fixed-rate runs, paged
/// operations (scans, segments) and `--task-workers` use one task per worker.
///
/// Closed loop: a worker sends its next operation when the previous one is answered.
/// Fixed rate: operation n is due at start + n / rate; a worker sleeps until its
/// operation's due time and latency counts from then, so time spent waiting for a free
/// worker behind slow requests is measured (coordinated omission corrected).
final class BenchRunner: Sendable {
    /// How the run is shaped.
    struct Plan: Sendable {
        var workers: Int
        /// Requests outstanding per connection.
        var inFlight: Int
        /// At most this many operations in the measured phase.
        var operationLimit: Int?
        /// The measured phase's length (closed loop: stop sending after it; fixed rate: the
        /// operations due within it).
        var durationNs: UInt64?
        var ratePerSecond: Double?
        var warmupNs: UInt64
        var consistency: ProtocolConsistency
        var pageSize: Int32
        var seed: UInt64
    }

    /// What the measured phase produced.
    struct Outcome: Sendable {
        var recorder: LatencyRecorder
        var elapsedS: Double
        var usage: ProcessUsage
    }

    private let client: KVClient
    private let workload: any BenchWorkload
    private let plan: Plan
    private let printer: BenchPrinter
    private let recorder = Mutex(LatencyRecorder())
    private let tickets = Atomic<Int>(0)
    private let reportedKinds = Mutex(Set<String>())
    /// When the last interval was closed (ns): the next one's length runs from there.
    private let lastCloseNs = Atomic<UInt64>(0)
    /// Where task workers run: the client's event loops (empty: Swift's global pool).
    private let executors: [EventLoopTaskExecutor]
    /// The client's event loops, one `LoopBench` each (empty: task workers only).
    private let loops: [any EventLoop]
    private let loopTickets = TicketCounter()

    init(client: KVClient, workload: any BenchWorkload, plan: Plan, printer: BenchPrinter,
         executors: [EventLoopTaskExecutor], loops: [any EventLoop]) {
        self.client = client
        self.executors = executors
        self.loops = loops
        self.workload = workload
        self.plan = plan
        self.printer = printer
    }

    /// Runs the warmup (if any) and the measured phase.
    func run() async -> Outcome {
        if usesCallbacks {
            // Lanes send on open connections only.
            do throws(KVClientError) {
                try await client.openConnections()
            } catch {
                printer.note("not every connection opened: \(error)")
            }
        }
        if plan.warmupNs > 0 {
            printer.note("warming up for \(Double(plan.warmupNs) / 1e9) s (not measured)")
            _ = await runPhase(limit: nil, durationNs: plan.warmupNs, records: false)
        }
        let cpuStart = ProcessUsageReader.cpuSeconds()
        let elapsedNs = await runPhase(limit: plan.operationLimit, durationNs: plan.durationNs, records: true)
        let elapsedS = Double(elapsedNs) / 1e9
        return Outcome(recorder: recorder.withLock { $0 }, elapsedS: elapsedS,
                       usage: ProcessUsageReader.usage(since: cpuStart, wallS: elapsedS))
    }

    /// Whether the callback driver runs the phases.
    private var usesCallbacks: Bool {
        !loops.isEmpty && plan.ratePerSecond == nil && !workload.sendsPagedOperations
    }

    /// One phase: the workers and, when recording, the ticker. Returns its length in ns.
    private func runPhase(limit: Int?, durationNs: UInt64?, records: Bool) async -> UInt64 {
        guard !usesCallbacks else { return await runLoopPhase(limit: limit, durationNs: durationNs, records: records) }
        tickets.store(0, ordering: .relaxed)
        let startNs = MonotonicClock.nowNs()
        let schedule = plan.ratePerSecond.map { RateScheduler(startNs: startNs, ratePerSecond: $0) }
        var dueLimit = limit
        if let schedule, let durationNs { dueLimit = min(limit ?? .max, schedule.ticketCount(durationNs: durationNs)) }
        let limit = dueLimit
        // A fixed-rate phase ends when its due operations are done, however late.
        let deadlineNs = schedule == nil ? durationNs.map { startNs + $0 } : nil
        lastCloseNs.store(startNs, ordering: .relaxed)
        await withTaskGroup(of: Void.self) { outer in
            if records { outer.addTask { await self.tick(startNs: startNs) } }
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<plan.workers {
                    group.addTask(executorPreference: executors.isEmpty ? nil : executors[index % executors.count]) {
                        await self.work(index, limit: limit, deadlineNs: deadlineNs, schedule: schedule, records: records)
                    }
                }
            }
            outer.cancelAll()
        }
        let endNs = MonotonicClock.nowNs()
        if records { closeInterval(startNs: startNs, nowNs: endNs, final: true) }
        return endNs - startNs
    }

    /// A closed-loop phase on the callback driver: a `LoopBench` per event loop, worker i on
    /// loop i mod loops with the same random stream a task worker i would have; the lane
    /// puts `inFlight` requests on each connection.
    private func runLoopPhase(limit: Int?, durationNs: UInt64?, records: Bool) async -> UInt64 {
        loopTickets.reset()
        let startNs = MonotonicClock.nowNs()
        let deadlineNs = durationNs.map { startNs + $0 }
        lastCloseNs.store(startNs, ordering: .relaxed)
        let options = StatementOptions(consistency: plan.consistency)
        let benches = loops.map { loop in
            // A connection takes --in-flight requests, no more: that is what the option
            // promises (and what redis-benchmark's -P means), so low settings are not
            // turned into deeper pipelines on fewer connections.
            LoopBench(lane: ClientLane(client: client, eventLoop: loop, requestsPerConnection: plan.inFlight),
                      workload: workload.copiedForEventLoop(),
                      options: options,
                      tickets: loopTickets, limit: limit, deadlineNs: deadlineNs, records: records,
                      reportError: { [self] name, kind, error in reportFirst(name, kind, error) })
        }
        for (loopIndex, bench) in benches.enumerated() {
            let indexes = Array(stride(from: loopIndex, to: plan.workers, by: benches.count))
            let streams = indexes.map { SplitMixRandom.stream(seed: plan.seed, index: $0, phase: records ? 1 : 0) }
            bench.lane.eventLoop.execute { bench.start(random: streams) }
        }
        await withTaskGroup(of: Void.self) { group in
            if records { group.addTask { await self.tick(startNs: startNs, benches: benches) } }
            for bench in benches { try? await bench.done.futureResult.get() }
            group.cancelAll()
        }
        let endNs = MonotonicClock.nowNs()
        if records {
            await collect(benches)
            closeInterval(startNs: startNs, nowNs: endNs, final: true)
        }
        return endNs - startNs
    }

    /// Moves every loop's interval into the shared recorder.
    private func collect(_ benches: [LoopBench]) async {
        for bench in benches {
            guard let interval = try? await bench.lane.eventLoop.submit({ bench.takeInterval() }).get() else { continue }
            recorder.withLock { $0.merge(interval: interval) }
        }
    }

    private func work(_ index: Int, limit: Int?, deadlineNs: UInt64?, schedule: RateScheduler?, records: Bool) async {
        var random = SplitMixRandom.stream(seed: plan.seed, index: index, phase: records ? 1 : 0)
        while !Task.isCancelled {
            let ticket = tickets.add(1, ordering: .relaxed).oldValue
            if let limit, ticket >= limit { return }
            var intendedNs = MonotonicClock.nowNs()
            if let schedule {
                intendedNs = schedule.intendedStartNs(ticket: ticket)
                await MonotonicClock.sleep(untilNs: intendedNs)
            } else if let deadlineNs, intendedNs >= deadlineNs {
                return
            }
            let operation = workload.operation(ticket: ticket, random: &random)
            // Closed loop: sent when intended (a clock read less per operation).
            let sentNs = schedule == nil ? intendedNs : MonotonicClock.nowNs()
            let result = await execute(operation)
            let timing = OperationTiming(intendedNs: intendedNs, sentNs: sentNs, doneNs: MonotonicClock.nowNs())
            if records { record(operation.name, result, timing) }
        }
    }

    /// Sends `operation`; returns the rows it returned (every page, for paged ones). Runs on
    /// the worker's executor (`nonsending`: no executor switch per operation).
    nonisolated(nonsending) private func execute(_ operation: BenchOperation) async -> Result<Int, KVClientError> {
        var options = StatementOptions(consistency: plan.consistency)
        do throws(KVClientError) {
            guard operation.paged else {
                let result = try await client.execute(operation.statement, operation.values, options: options)
                return .success(result.page?.rows.count ?? 0)
            }
            options.pageSize = plan.pageSize
            var rows = 0
            repeat {
                let page = try await client.execute(operation.statement, operation.values, options: options).page
                rows += page?.rows.count ?? 0
                options.pagingState = page?.pagingState
            } while options.pagingState != nil
            return .success(rows)
        } catch {
            return .failure(error)
        }
    }

    private func record(_ name: String, _ result: Result<Int, KVClientError>, _ timing: OperationTiming) {
        switch result {
        case .success(let rows):
            recorder.withLock { $0.recordSuccess(name, timing: timing, rows: rows) }
        case .failure(let error):
            switch BenchErrorKind(error) {
            case .timeout:
                recorder.withLock { $0.recordTimeout(name) }
            case .error(let kind):
                recorder.withLock { $0.recordError(name, kind: kind) }
                reportFirst(name, kind, error)
            }
        }
    }

    /// Prints the first error of each kind: a summary that says only "invalid: 50000" does
    /// not say what to fix.
    private func reportFirst(_ name: String, _ kind: String, _ error: KVClientError) {
        if reportedKinds.withLock({ $0.insert(kind).inserted }) { printer.note("\(name) \(kind): \(error)") }
    }

    /// Closes an interval once a second and prints it, until cancelled; first moves the
    /// operations `benches` recorded into the shared recorder.
    private func tick(startNs: UInt64, benches: [LoopBench] = []) async {
        var second: UInt64 = 1
        while !Task.isCancelled {
            await MonotonicClock.sleep(untilNs: startNs + second * 1_000_000_000)
            if Task.isCancelled { return }
            await collect(benches)
            closeInterval(startNs: startNs, nowNs: MonotonicClock.nowNs(), final: false)
            second += 1
        }
    }

    /// The last, partial interval is kept only if it lasted or recorded something, so that
    /// the series adds up to the summary without a spurious zero-length sample.
    private func closeInterval(startNs: UInt64, nowNs: UInt64, final: Bool) {
        let sample = recorder.withLock { recorder -> IntervalSample? in
            let elapsedNs = nowNs - lastCloseNs.load(ordering: .relaxed)
            if final && elapsedNs < 1_000_000 && recorder.interval.isEmpty { return nil }
            lastCloseNs.store(nowNs, ordering: .relaxed)
            return recorder.closeInterval(timeS: Double(nowNs - startNs) / 1e9, elapsedS: Double(elapsedNs) / 1e9)
        }
        if let sample, !final { printer.progress(sample) }
        if let sample, final, sample.operations.values.contains(where: { $0.opsPerSecond > 0 || $0.errors > 0 }) {
            printer.progress(sample)
        }
    }
}
