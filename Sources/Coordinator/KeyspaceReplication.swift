import Ring
import Synchronization

/// A keyspace's name and replication strategy, as the coordinator needs them.
///
/// A class: every point request passes one along (from its prepared statement to the
/// replica map), and a reference costs one count per copy where the struct counted three.
public final class KeyspaceReplication: Sendable {
    public let keyspace: String
    public let strategy: any ReplicationStrategy
    /// The replica map last built for this replication, shared by copies: callers that keep
    /// one replication value per schema version (prepared statements) find their map by the
    /// view's identity, without building the coordinator's cache key per request.
    let lastReplicaMap = LastReplicaMap()

    public init(keyspace: String, strategy: any ReplicationStrategy) {
        self.keyspace = keyspace
        self.strategy = strategy
    }
}

/// One replica map and the cluster view it was built for.
final class LastReplicaMap: Sendable {
    private let entry = Mutex<(view: ClusterView, map: ReplicaMap)?>(nil)

    /// The map, when it was built for exactly this view object.
    func map(for view: ClusterView) -> ReplicaMap? {
        entry.withLock { $0?.view === view ? $0?.map : nil }
    }

    func remember(_ map: ReplicaMap, for view: ClusterView) {
        entry.withLock { $0 = (view, map) }
    }
}

extension KeyspaceReplication {
    /// The replicas the keyspace asks for in each datacenter: what consistency levels count
    /// against, as in Cassandra, whether or not the ring (or a coordinator's view of it,
    /// right after a restart) has that many nodes. SimpleStrategy knows no datacenters; its
    /// factor counts as the coordinator's own.
    public func replicasPerDatacenter(ring: TokenRing, localDatacenter: String) -> [String: Int] {
        if let topology = strategy as? NetworkTopologyStrategy { return topology.replicationFactors.filter { $0.value > 0 } }
        return [localDatacenter: strategy.replicationFactor(in: ring)]
    }
}
