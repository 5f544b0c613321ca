import Coordinator
import KVCore
import Messaging
import Ring

/// The nodes of one simulation and the operations the workloads run against them.
public final class SimulatedCluster: Sendable {
    public let environment: SimulationEnvironment
    public let nodes: [SimulatedNode]
    let log: SimulationLog

    init(options: SimulationOptions, usesBatchlogs: Bool = false) throws {
        let environment = try SimulationEnvironment(seed: options.seed, nodeCount: options.nodeCount,
                                                    replicationFactor: options.replicationFactor, usesBatchlogs: usesBatchlogs)
        self.environment = environment
        log = SimulationLog(executor: environment.executor)
        let random = environment.random
        var used = Set<Int64>()
        nodes = (0..<options.nodeCount).map { index in
            var tokens: [Int64] = []
            while tokens.count < 4 {
                let token = Int64(bitPattern: random.nextUInt64())
                if token != Int64.min, used.insert(token).inserted { tokens.append(token) }
            }
            return SimulatedNode(index: index, tokens: tokens, environment: environment)
        }
    }

    /// A random node, running or not.
    func randomNode() -> SimulatedNode { nodes[environment.random.next(in: 0..<nodes.count)] }

    /// Starts every node that is down.
    func startAll() throws {
        for node in nodes where !node.isRunning { try node.start() }
    }

    func stopAll() async {
        for node in nodes { await node.stop() }
    }

    /// True when every node runs and sees every node alive with its tokens.
    var isFormed: Bool {
        nodes.allSatisfy { node in
            guard let view = node.view else { return false }
            return view.ring.nodes.count == nodes.count && view.alive.count == nodes.count
        }
    }

    /// Waits (in virtual time) until `isFormed`, at most `timeout`; returns whether it formed.
    func waitUntilFormed(timeout: Duration) async -> Bool {
        let deadline = environment.virtualClock.now.advanced(by: timeout)
        while !isFormed {
            guard environment.virtualClock.now < deadline else { return false }
            try? await environment.virtualClock.sleep(for: .milliseconds(100))
        }
        return true
    }

    /// Every node's partitions of the workload table (nodes that are down hold none).
    func partitionsByNode() -> [[PartitionUpdate]] {
        nodes.map { node in
            do {
                return try node.localPartitions()
            } catch {
                log.violation("node \(node.index) cannot read its own data: \(error)")
                return []
            }
        }
    }

    /// The replica map of the whole cluster, as every node sees it once gossip has converged.
    var replicaMap: ReplicaMap {
        let members = nodes.map { (node: RingNode(id: $0.hostID, datacenter: "dc1", rack: "rack1"), tokens: $0.tokens.map(Token.init)) }
        guard let ring = try? TokenRing(members) else { preconditionFailure("the simulator chose clashing tokens") }
        return ReplicaMap(ring: ring, strategy: environment.replication.strategy)
    }

    /// How many batchlog entries the running nodes hold.
    var batchlogEntryCount: Int { nodes.reduce(0) { $0 + ($1.batchlogEntryCount ?? 0) } }

    /// How many partitions are not identical on all of their replicas.
    func partitionsDiffering() -> Int {
        let byNode = partitionsByNode().map { Dictionary($0.map { ($0.partitionKey, $0) }, uniquingKeysWith: { $1 }) }
        let indexByHost = Dictionary(uniqueKeysWithValues: nodes.map { ($0.hostID, $0.index) })
        let map = replicaMap
        let keys = Set(byNode.flatMap(\.keys))
        return keys.filter { key in
            let replicas = map.replicas(for: StoragePartitionKey.token(of: key)).compactMap { indexByHost[$0] }
            return Set(replicas.map { byNode[$0][key] }).count > 1
        }.count
    }
}
