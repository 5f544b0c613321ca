import Coordinator
import KVCore
import Synchronization

/// Clients insert unique keys at QUORUM. After healing, a read at ALL must find every
/// acknowledged insert (RELIABILITY test 1: lost writes = 0).
final class UniqueInsertsWorkload: Workload {
    private struct State {
        var acknowledged: [String: UInt64] = [:]
        var attempted: [String: UInt64] = [:]
        var unavailable: [String: UInt64] = [:]
    }

    private let cluster: SimulatedCluster
    private let state = Mutex(State())
    private let outcomes = OutcomeCounters()

    init(cluster: SimulatedCluster) { self.cluster = cluster }

    func runClients(count: Int, until deadline: VirtualClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<count {
                group.addTask { await self.runClient(client, until: deadline) }
            }
        }
    }

    private func runClient(_ client: Int, until deadline: VirtualClock.Instant) async {
        var sequence = 0
        while cluster.environment.virtualClock.now < deadline {
            sequence += 1
            let key = "c\(client)-\(sequence)"
            let value = UInt64(client) << 32 | UInt64(sequence)
            state.withLock { $0.attempted[key] = value }
            let outcome = await cluster.write(key, value: value, timestamp: nil, consistency: .quorum,
                                              via: cluster.randomNode())
            outcomes.count("write", outcome)
            switch outcome {
            case .succeeded: state.withLock { $0.acknowledged[key] = value }
            case .failed(.unavailable): state.withLock { $0.unavailable[key] = value }
            default: break
            }
            await cluster.think()
        }
    }

    func check() async {
        let (attempted, acknowledged) = state.withLock { ($0.attempted, $0.acknowledged) }
        var lost = 0
        for key in attempted.keys.sorted() {
            guard let found = await cluster.finalRead(key) else { continue }
            if let expected = acknowledged[key], found != expected {
                lost += 1
                cluster.log.violation("acknowledged insert \(key)=\(expected) lost: a read at ALL returns \(found.map(String.init) ?? "nothing")")
            }
        }
        outcomes.add("lost acknowledged writes", lost)
    }

    var unavailableWrites: [(key: String, value: UInt64)] {
        state.withLock { $0.unavailable.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }

    var counters: [String: Int] { outcomes.snapshot }
}
