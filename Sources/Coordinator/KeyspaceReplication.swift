import Ring

/// A keyspace's name and replication strategy, as the coordinator needs them.
public struct KeyspaceReplication: Sendable {
    public var keyspace: String
    public var strategy: any ReplicationStrategy

    public init(keyspace: String, strategy: any ReplicationStrategy) {
        self.keyspace = keyspace
        self.strategy = strategy
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
