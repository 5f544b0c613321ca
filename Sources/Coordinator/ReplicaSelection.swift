import KVCore

/// The replicas of one token that count for a consistency level, and when their answers
/// suffice.
struct ReplicaSelection {
    /// Alive replicas that count, in the order to try them: this node, then its datacenter,
    /// then the rest (each group in ring order).
    let candidates: [HostID]
    /// Alive replicas whose answers do not count (other datacenters for LOCAL_* levels):
    /// writes still go to them.
    let uncounted: [HostID]
    /// Replicas the view holds dead: the write leaves them hints.
    let down: [HostID]
    let blockFor: Int
    /// For EACH_QUORUM, the answers needed from each datacenter; nil otherwise.
    let perDatacenter: [String: Int]?
    private let datacenters: [HostID: String]

    /// Chooses among `replicas` (ring order); throws Unavailable when too few are alive.
    /// The level's block-for comes from the keyspace's replication factors, not from how
    /// many replicas the view places: a coordinator that knows only part of the ring (just
    /// restarted, gossip not yet heard) must not count a quorum of the part.
    init(replicas: [HostID], consistency: ConsistencyLevel, view: ClusterView,
         replication: KeyspaceReplication) throws(CoordinatorError) {
        let replicasPerDatacenter = replication.replicasPerDatacenter(ring: view.ring, localDatacenter: view.localDatacenter)
        let blockFor = consistency.blockFor(replicasPerDatacenter: replicasPerDatacenter,
                                            localDatacenter: view.localDatacenter)
        let counted = consistency.isDatacenterLocal
            ? replicas.filter { view.datacenter(of: $0) == view.localDatacenter } : replicas
        let alive = counted.filter(view.alive.contains)
        guard blockFor >= 1, blockFor <= alive.count else {
            throw .unavailable(consistency, required: max(blockFor, 1), alive: alive.count)
        }
        var perDatacenter: [String: Int]?
        if consistency == .eachQuorum {
            perDatacenter = replicasPerDatacenter.mapValues { $0 / 2 + 1 }
            for (datacenter, needed) in perDatacenter! {
                let aliveHere = alive.filter { view.datacenter(of: $0) == datacenter }.count
                if aliveHere < needed { throw .unavailable(consistency, required: needed, alive: aliveHere) }
            }
        }
        let local = alive.filter { $0 == view.localHost }
        let sameDatacenter = alive.filter { $0 != view.localHost && view.datacenter(of: $0) == view.localDatacenter }
        let others = alive.filter { $0 != view.localHost && view.datacenter(of: $0) != view.localDatacenter }
        self.candidates = local + sameDatacenter + others
        self.uncounted = replicas.filter { view.alive.contains($0) && !counted.contains($0) }
        self.down = replicas.filter { !view.alive.contains($0) }
        self.blockFor = blockFor
        self.perDatacenter = perDatacenter
        self.datacenters = Dictionary(replicas.map { ($0, view.datacenter(of: $0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether answers from `answered` meet the level.
    func isSatisfied(by answered: [HostID]) -> Bool {
        guard let perDatacenter else { return answered.count >= blockFor }
        var counts: [String: Int] = [:]
        for host in answered { counts[datacenters[host] ?? "", default: 0] += 1 }
        return perDatacenter.allSatisfy { counts[$0.key, default: 0] >= $0.value }
    }

    /// Whether `consistency` is met by this node's answer alone and this node is one of
    /// `replicas`: what a full selection would conclude for ONE and LOCAL_ONE (blocking for
    /// one answer, this node first among candidates), without building it on every request.
    static func thisNodeSuffices(replicas: [HostID], consistency: ConsistencyLevel, view: ClusterView) -> Bool {
        thisNodeSuffices(asReplica: consistency, view: view) && replicas.contains(view.localHost)
    }

    /// Whether `consistency` is met by this node's answer alone, were this node a replica.
    static func thisNodeSuffices(asReplica consistency: ConsistencyLevel, view: ClusterView) -> Bool {
        switch consistency {
        case .one: true
        case .localOne: view.datacenter(of: view.localHost) == view.localDatacenter
        default: false
        }
    }

    /// Whether a write of `replicas` at `consistency` goes to this node alone and needs only
    /// its acknowledgement (as `isThisNodeAlone` of a full selection).
    static func thisNodeAloneSuffices(replicas: [HostID], consistency: ConsistencyLevel, view: ClusterView) -> Bool {
        thisNodeAloneSuffices(isSoleReplica: replicas.count == 1 && replicas[0] == view.localHost,
                              consistency: consistency, view: view)
    }

    /// As `thisNodeAloneSuffices(replicas:consistency:view:)`, told whether this node is the
    /// partition's only replica.
    static func thisNodeAloneSuffices(isSoleReplica: Bool, consistency: ConsistencyLevel, view: ClusterView) -> Bool {
        isSoleReplica && (consistency == .any || thisNodeSuffices(asReplica: consistency, view: view))
    }

    /// Whether this node's answer alone meets the level and this node is the first candidate.
    func thisNodeSuffices(_ view: ClusterView) -> Bool {
        blockFor == 1 && perDatacenter == nil && candidates.first == view.localHost
    }

    /// Whether this node is the one live replica a write goes to.
    func isThisNodeAlone(_ view: ClusterView) -> Bool {
        uncounted.isEmpty && candidates.count == 1 && candidates[0] == view.localHost
    }

    /// The candidates a read asks first: the first `blockFor` of them, or for EACH_QUORUM the
    /// first quorum of each datacenter.
    var initialReadTargets: [HostID] {
        guard let perDatacenter else { return Array(candidates.prefix(blockFor)) }
        var taken: [String: Int] = [:]
        return candidates.filter { host in
            let datacenter = datacenters[host] ?? ""
            guard taken[datacenter, default: 0] < perDatacenter[datacenter, default: 0] else { return false }
            taken[datacenter, default: 0] += 1
            return true
        }
    }
}
