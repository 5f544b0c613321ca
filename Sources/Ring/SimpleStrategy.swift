import KVCore

/// Cassandra's `SimpleStrategy`: the owner of a range, then the next distinct nodes
/// clockwise, ignoring datacenters and racks, until `replicationFactor` nodes (or every node
/// when there are fewer).
public struct SimpleStrategy: ReplicationStrategy, Hashable {
    /// How many copies of every range; 0 keeps none.
    public let replicationFactor: Int

    /// A strategy with `replicationFactor` copies; refuses a factor outside
    /// `0...RingLimits.maximumReplicationFactor`.
    public init(replicationFactor: Int) throws(ReplicationStrategyError) {
        try validateReplicationFactor(replicationFactor)
        self.replicationFactor = replicationFactor
    }

    public var className: String { "org.apache.cassandra.locator.SimpleStrategy" }

    public func replicationFactor(in ring: TokenRing) -> Int { replicationFactor }

    /// The first `replicationFactor` distinct owners walking clockwise from `index`.
    public func replicas(forPosition index: Int, in ring: TokenRing) -> [HostID] {
        let wanted = min(replicationFactor, ring.nodes.count)
        var replicas: [HostID] = []
        replicas.reserveCapacity(wanted)
        for position in ring.positionsClockwise(from: index) {
            if replicas.count == wanted { break }
            let owner = ring.owners[position]
            if !replicas.contains(owner) { replicas.append(owner) }
        }
        return replicas
    }
}
