import Coordinator
import KVCore

/// The workloads a simulation can run.
public enum SimulationWorkload: String, CaseIterable, Sendable {
    /// Unique-key inserts at QUORUM; no acknowledged insert may be lost.
    case uniqueInserts = "unique-inserts"
    /// Single-writer registers at QUORUM/QUORUM; no stale or non-monotonic read.
    case registers
    /// Logged batches over several partitions at QUORUM; each is applied whole or not at all.
    case loggedBatches = "logged-batches"
}

/// What one seed's run found.
public struct SimulationReport: Sendable {
    public var workload: SimulationWorkload
    public var seed: UInt64
    public var nodeCount: Int
    /// Broken invariants, with virtual times; empty when the run passed.
    public var violations: [String]
    /// Faults, restarts and phases, with virtual times.
    public var events: [String]
    /// Operation counts by outcome, and the run's figures.
    public var counters: [String: Int]

    /// The command that replays this run exactly.
    public var replayCommand: String {
        "SEED=\(seed) SIM_WORKLOAD=\(workload.rawValue) SIM_NODES=\(nodeCount) make test-sim"
    }

    /// A multi-line account for a failing seed.
    public var summary: String {
        let counts = counters.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return """
            \(workload.rawValue) seed \(seed), \(nodeCount) nodes: \(violations.count) violation(s); replay with: \(replayCommand)
            counts: \(counts)
            \(events.joined(separator: "\n"))
            """
    }
}

/// Runs whole-cluster simulations (DESIGN §10): N nodes in one process on a deterministic
/// executor with virtual time, the node's real gossip, coordinator, hints and storage, over
/// the in-memory network and simulated disks, with faults chosen by a seed.
public enum Simulation {
    /// Runs `workload` with `options` and reports what it found.
    public static func run(_ workload: SimulationWorkload, options: SimulationOptions) throws -> SimulationReport {
        let cluster = try SimulatedCluster(options: options, usesBatchlogs: workload == .loggedBatches)
        var counters: [String: Int] = [:]
        do {
            counters = try cluster.environment.executor.run(limit: .seconds(3600)) {
                await execute(workload, on: cluster, options: options)
            }
        } catch {
            cluster.log.violation("\(error)")
        }
        return SimulationReport(workload: workload, seed: options.seed, nodeCount: options.nodeCount, violations: cluster.log.violations,
                                events: cluster.log.events, counters: counters)
    }

    private static func execute(_ kind: SimulationWorkload, on cluster: SimulatedCluster,
                                options: SimulationOptions) async -> [String: Int] {
        let clock = cluster.environment.virtualClock
        let log = cluster.log
        do {
            try cluster.startAll()
        } catch {
            log.violation("the cluster failed to start: \(error)")
            return [:]
        }
        guard await cluster.waitUntilFormed(timeout: .seconds(30)) else {
            log.violation("the cluster did not form within 30 s")
            await cluster.stopAll()
            return [:]
        }
        log.event("formed")
        let workload: any Workload = switch kind {
        case .uniqueInserts: UniqueInsertsWorkload(cluster: cluster)
        case .registers: RegisterWorkload(cluster: cluster)
        case .loggedBatches: LoggedBatchWorkload(cluster: cluster)
        }
        let deadline = clock.now.advanced(by: options.faultDuration)
        async let faults: Void = options.injectsFaults
            ? Nemesis(cluster: cluster).run(for: options.faultDuration) : Nemesis(cluster: cluster).heal()
        await workload.runClients(count: options.clients, until: deadline)
        await faults
        log.event("clients done")
        if !(await cluster.waitUntilFormed(timeout: .seconds(60))) { log.violation("the healed cluster did not re-form") }
        try? await clock.sleep(for: options.settleDuration)
        let differingAfterHints = cluster.partitionsDiffering()
        log.event("\(differingAfterHints) partitions differ after hints")
        await workload.check()
        let differing = cluster.partitionsDiffering()
        if differing > 0 { log.violation("\(differing) partitions still differ between replicas after reads at ALL") }
        checkAbsent(workload.unavailableWrites, in: cluster)
        await cluster.stopAll()
        var counters = workload.counters
        counters["partitions differing after hints"] = differingAfterHints
        counters["virtual seconds"] = Int(clock.now.offset / .seconds(1))
        return counters
    }

    /// A write answered Unavailable must not have reached any replica.
    private static func checkAbsent(_ writes: [(key: String, value: UInt64)], in cluster: SimulatedCluster) {
        let byNode = cluster.partitionsByNode()
        for (key, value) in writes {
            let storageKey = SimulatedCluster.storageKey(key)
            for (node, partitions) in byNode.enumerated() {
                let cells = partitions.filter { $0.partitionKey == storageKey }.flatMap(\.rows).flatMap(\.cells)
                if cells.contains(where: { SimulatedCluster.decode($0.value) == value }) {
                    cluster.log.violation("write \(key)=\(value) was answered Unavailable but node \(node) holds it")
                }
            }
        }
    }
}
