import Coordinator
import Gossip
import KVCore
import LSMStore
import Messaging
import Ring

/// What every node of one simulation shares: the executor and its clock, the network, the
/// seeded random source, and the settings of the node code.
public final class SimulationEnvironment: Sendable {
    public let executor: SimulationExecutor
    public let virtualClock: VirtualClock
    public let network: InMemoryNetwork
    /// Every random choice of the run, in the single order the executor makes them.
    public let random: SeededRandomSource
    /// The one table the workloads use.
    public let table = TableID(high: 0x5157_4f52_4b4c_4f41, low: 0x4453_494d_554c_4154)
    public let replication: KeyspaceReplication
    let gossip: GossipConfiguration
    let seeds: [GossipEndpoint]
    /// Whether nodes keep a batchlog and replay it (only the batch workload needs them; the
    /// other workloads' seeds replay exactly as before they existed).
    let usesBatchlogs: Bool

    /// Request timeouts of the simulated messaging (Cassandra's defaults are 2 s and 5 s;
    /// shorter ones keep seeds quick without changing what is checked).
    static let requestTimeout = Duration.seconds(1)

    /// A batchlog entry is replayed this long after it was stored: Cassandra's twice the
    /// write timeout.
    static let batchlogReplayTimeoutMillis = Int64(2 * (requestTimeout / .milliseconds(1)))
    static let batchlogReplayInterval = Duration.seconds(1)
    /// In the batch workload, this share of logged batches see their coordinator stop dead
    /// after the batchlog write and the first mutation (`BatchFailpoint`), so that only the
    /// batchlog replay can complete them.
    static let batchCoordinatorDeathChance = 0.1
    static let batchCoordinatorDeath = "the coordinator died in the middle of the batch (simulated)"

    init(seed: UInt64, nodeCount: Int, replicationFactor: Int, usesBatchlogs: Bool = false) throws {
        self.usesBatchlogs = usesBatchlogs
        executor = SimulationExecutor()
        virtualClock = VirtualClock(executor: executor)
        random = SeededRandomSource(seed: seed)
        var messaging = MessagingConfiguration()
        for verb in [Verb.mutation, .hint, .read, .rangeRead, .filteredScan, .truncate, .batchStore, .batchRemove] { messaging.verbTimeouts[verb] = Self.requestTimeout }
        network = InMemoryNetwork(configuration: messaging, clock: virtualClock)
        replication = KeyspaceReplication(keyspace: "simulation",
                                          strategy: try SimpleStrategy(replicationFactor: replicationFactor))
        gossip = GossipConfiguration(clusterName: "simulation")
        seeds = (0..<min(2, nodeCount)).map { Self.endpoint(of: $0) }
    }

    static func address(of index: Int) -> NodeAddress { NodeAddress(host: "10.0.0.\(index + 1)", port: 7000) }

    static func endpoint(of index: Int) -> GossipEndpoint { GossipEndpoint(host: "10.0.0.\(index + 1)", port: 7000) }

    /// Store settings: every write synced before it is acknowledged (commit log `batch`),
    /// small caches.
    var storeOptions: StoreOptions {
        var options = StoreOptions()
        options.commitLog.syncMode = .batch
        options.commitLog.segmentSizeBytes = 1 << 20
        options.blockCacheSizeBytes = 1 << 20
        return options
    }
}
