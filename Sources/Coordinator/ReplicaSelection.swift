import KVCore

/// The replicas of one token that count for a consistency level, and how many must answer.
struct ReplicaSelection {
    /// Alive replicas that count, in the order to try them: this node, then its datacenter,
    /// then the rest (each group in ring order).
    let candidates: [HostID]
    /// Alive replicas whose answers do not count (other datacenters for LOCAL_* levels):
    /// writes still go to them.
    let uncounted: [HostID]
    let blockFor: Int

    /// Chooses among `replicas` (ring order); throws Unavailable when too few are alive.
    init(replicas: [HostID], consistency: ConsistencyLevel, view: ClusterView) throws(CoordinatorError) {
        var perDatacenter: [String: Int] = [:]
        for replica in replicas { perDatacenter[view.datacenter(of: replica), default: 0] += 1 }
        let blockFor = consistency.blockFor(replicasPerDatacenter: perDatacenter, localDatacenter: view.localDatacenter)
        let counted = consistency.isDatacenterLocal
            ? replicas.filter { view.datacenter(of: $0) == view.localDatacenter } : replicas
        let alive = counted.filter(view.alive.contains)
        guard blockFor >= 1, blockFor <= alive.count else {
            throw .unavailable(consistency, required: max(blockFor, 1), alive: alive.count)
        }
        if consistency == .eachQuorum {
            for (datacenter, count) in perDatacenter {
                let aliveHere = alive.filter { view.datacenter(of: $0) == datacenter }.count
                if aliveHere < count / 2 + 1 {
                    throw .unavailable(consistency, required: count / 2 + 1, alive: aliveHere)
                }
            }
        }
        let local = alive.filter { $0 == view.localHost }
        let sameDatacenter = alive.filter { $0 != view.localHost && view.datacenter(of: $0) == view.localDatacenter }
        let others = alive.filter { view.datacenter(of: $0) != view.localDatacenter }
        self.candidates = local + sameDatacenter + others
        self.uncounted = replicas.filter { view.alive.contains($0) && !counted.contains($0) }
        self.blockFor = blockFor
    }
}
