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
