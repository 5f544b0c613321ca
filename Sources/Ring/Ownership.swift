import KVCore

/// How much of the token space each node holds, as fractions of the whole ring: what
/// `nodetool status` shows as "Owns" (primary) and "Owns (effective)" (per keyspace).
///
/// Every node on the ring appears, with 0 when it holds nothing. Sums: primary ownership
/// adds up to 1; effective ownership adds up to the number of replicas placed per range
/// (the replication factor when the ring has enough nodes). Cost O(n) for primary, one
/// strategy walk per ring position for effective.
public enum Ownership {
    /// The fraction of the ring each node owns as primary (the ranges its tokens end).
    public static func primary(in ring: TokenRing) -> [HostID: Double] {
        var ownership = ring.nodes.mapValues { _ in 0.0 }
        for index in ring.tokens.indices {
            ownership[ring.owners[index], default: 0] += ring.range(at: index).fractionOfRing
        }
        return ownership
    }

    /// The fraction of the ring for which each node is a replica under `strategy`.
    public static func effective(in ring: TokenRing, strategy: some ReplicationStrategy) -> [HostID: Double] {
        effective(ReplicaMap(ring: ring, strategy: strategy))
    }

    /// The fraction of the ring for which each node is a replica in `replicaMap`.
    public static func effective(_ replicaMap: ReplicaMap) -> [HostID: Double] {
        let ring = replicaMap.ring
        var ownership = ring.nodes.mapValues { _ in 0.0 }
        for index in ring.tokens.indices {
            let fraction = ring.range(at: index).fractionOfRing
            for replica in replicaMap.replicasByPosition[index] { ownership[replica, default: 0] += fraction }
        }
        return ownership
    }
}
