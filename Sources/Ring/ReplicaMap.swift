import KVCore

/// The replicas of every range of one ring under one strategy, computed once: what a
/// coordinator (or a token-aware client) keeps per keyspace and ring version.
///
/// Building costs one strategy walk per ring position; `replicas(for:)` is then O(log n)
/// with no allocation beyond returning the stored array. Immutable, safe to share; a class so
/// that handing it out per request counts one reference, not the ring's five.
public final class ReplicaMap: Sendable {
    /// The ring the map was built from.
    public let ring: TokenRing
    /// `replicasByPosition[index]` are the replicas of the range owned by ring position `index`.
    public let replicasByPosition: [[HostID]]

    /// The replicas of every range of `ring` under `strategy`.
    public init(ring: TokenRing, strategy: some ReplicationStrategy) {
        self.ring = ring
        self.replicasByPosition = ring.tokens.indices.map { strategy.replicas(forPosition: $0, in: ring) }
    }

    /// The replicas of the partitions with `token`, primary first; empty on an empty ring.
    public func replicas(for token: Token) -> [HostID] {
        ring.isEmpty ? [] : replicasByPosition[ring.index(owning: token)]
    }

    /// Whether `host` is a replica of the partitions with `token`.
    public func contains(_ host: HostID, forToken token: Token) -> Bool {
        !ring.isEmpty && replicasByPosition[ring.index(owning: token)].contains(host)
    }

    /// Whether `host` is the only replica of the partitions with `token`.
    public func isSoleReplica(_ host: HostID, forToken token: Token) -> Bool {
        guard !ring.isEmpty else { return false }
        let replicas = replicasByPosition[ring.index(owning: token)]
        return replicas.count == 1 && replicas[0] == host
    }

    /// The ranges for which node `id` is a replica, in ring order (adjacent ranges are not
    /// merged). O(n · replication factor).
    public func ranges(replicatedBy id: HostID) -> [TokenRange] {
        ring.tokens.indices.filter { replicasByPosition[$0].contains(id) }.map(ring.range(at:))
    }
}
