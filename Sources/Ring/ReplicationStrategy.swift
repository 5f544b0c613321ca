import KVCore

/// Where a keyspace keeps the copies of each token range: Cassandra's
/// `AbstractReplicationStrategy`.
///
/// Implementations are pure functions of the ring: the same ring gives the same replicas,
/// in Cassandra's order, on every node. The first replica of a range is always the node
/// that owns it (its primary), which token-aware drivers and the coordinator rely on.
public protocol ReplicationStrategy: Sendable {
    /// The strategy's Cassandra class name, as `system_schema.keyspaces.replication` shows it.
    var className: String { get }

    /// The replicas of the range owned by ring position `index`, primary first, without
    /// duplicates. Requires `0 <= index < ring.count`. Costs a walk of at most the whole
    /// ring, usually a few positions.
    func replicas(forPosition index: Int, in ring: TokenRing) -> [HostID]

    /// How many replicas the strategy wants on `ring` in total (fewer are placed when the
    /// ring or a datacenter has fewer nodes).
    func replicationFactor(in ring: TokenRing) -> Int
}

extension ReplicationStrategy {
    /// The replicas of the partitions with `token`, primary first; empty on an empty ring.
    /// O(log n) plus the walk.
    public func replicas(for token: Token, in ring: TokenRing) -> [HostID] {
        ring.isEmpty ? [] : replicas(forPosition: ring.index(owning: token), in: ring)
    }
}

/// Why a replication strategy's options were refused.
public enum ReplicationStrategyError: Error, Hashable, Sendable {
    /// A replication factor below 0 or above `RingLimits.maximumReplicationFactor`.
    case replicationFactorOutOfRange(Int)
    /// A datacenter name that is empty.
    case emptyDatacenterName
}

extension ReplicationStrategyError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .replicationFactorOutOfRange(let factor):
            "replication factor \(factor) is outside 0...\(RingLimits.maximumReplicationFactor)"
        case .emptyDatacenterName:
            "a datacenter name must not be empty"
        }
    }
}

/// Checks one replication factor against `RingLimits`.
func validateReplicationFactor(_ factor: Int) throws(ReplicationStrategyError) {
    guard (0...RingLimits.maximumReplicationFactor).contains(factor) else {
        throw .replicationFactorOutOfRange(factor)
    }
}
