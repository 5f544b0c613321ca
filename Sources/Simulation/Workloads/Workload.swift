import Coordinator
import KVCore
import Synchronization

/// A client workload: clients that run operations while the nemesis injects faults, and a
/// final check of the workload's invariants once the cluster is healed.
protocol Workload: Sendable {
    /// Runs the clients until virtual time reaches `deadline`.
    func runClients(count: Int, until deadline: VirtualClock.Instant) async
    /// Reads back what the clients did (at ALL, which also repairs) and records violations.
    func check() async
    /// Writes answered Unavailable, as (key, value): no replica may hold them.
    var unavailableWrites: [(key: String, value: UInt64)] { get }
    /// Operation counts by outcome, for the report.
    var counters: [String: Int] { get }
}

/// Outcome counts shared by a workload's clients.
final class OutcomeCounters: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func count(_ name: String) { add(name, 1) }

    /// Adds `amount` (possibly 0, which still lists `name` in the report).
    func add(_ name: String, _ amount: Int) { counts.withLock { $0[name, default: 0] += amount } }

    func count<Value>(_ operation: String, _ outcome: OperationOutcome<Value>) {
        switch outcome {
        case .succeeded: count("\(operation) succeeded")
        case .failed(.unavailable): count("\(operation) unavailable")
        case .failed(.writeTimeout), .failed(.readTimeout): count("\(operation) timed out")
        case .failed: count("\(operation) failed")
        case .unknown: count("\(operation) unknown")
        }
    }

    var snapshot: [String: Int] { counts.withLock { $0 } }
}

extension SimulatedCluster {
    /// Reads `key` at ALL after healing, through each node in turn, until one answers
    /// (at most about 20 s of virtual time). Nil when no read succeeded.
    func finalRead(_ key: String) async -> UInt64?? {
        for attempt in 0..<40 {
            let node = nodes[attempt % nodes.count]
            if case .succeeded(let value) = await read(key, consistency: .all, via: node) { return .some(value) }
            try? await environment.virtualClock.sleep(for: .milliseconds(500))
        }
        log.violation("no read of \(key) at ALL succeeded after the cluster healed")
        return nil
    }

    /// Sleeps a random pause between a client's operations.
    func think() async {
        try? await environment.virtualClock.sleep(for: .milliseconds(environment.random.next(in: 5..<80)))
    }
}
