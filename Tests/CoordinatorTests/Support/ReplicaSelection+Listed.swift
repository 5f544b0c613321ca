import KVCore
import Ring

@testable import Coordinator

extension ReplicaSelection {
    /// A selection for a keyspace that asks for exactly the `replicas` listed, in their
    /// datacenters: what suites that pick replicas by hand mean, now that the level's
    /// block-for comes from the keyspace's replication factors.
    init(replicas: [HostID], consistency: ConsistencyLevel, view: ClusterView) throws(CoordinatorError) {
        var factors: [String: Int] = [:]
        for replica in replicas { factors[view.datacenter(of: replica), default: 0] += 1 }
        guard let strategy = try? NetworkTopologyStrategy(factors) else {
            preconditionFailure("no strategy for \(factors)")
        }
        try self.init(replicas: replicas, consistency: consistency, view: view,
                      replication: KeyspaceReplication(keyspace: "ks", strategy: strategy))
    }
}
