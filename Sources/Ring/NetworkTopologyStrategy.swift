import KVCore

/// Cassandra's `NetworkTopologyStrategy`: a replication factor per datacenter, replicas
/// spread over as many racks as possible.
///
/// One clockwise walk from the range's owner visits every ring position; each node is
/// offered to its datacenter. Within a datacenter the first node of each rack not yet used
/// is taken; a node of an already used rack is set aside until every rack of the
/// datacenter is used, then the set-aside nodes are taken in ring order, then further nodes
/// as met. A datacenter with fewer nodes than its factor gets all its nodes; a datacenter
/// without nodes or with factor 0 gets none. The result lists nodes in the order taken, so
/// datacenters interleave in ring order and the first replica is the range's owner when its
/// datacenter has a factor above 0 (Cassandra 3.x order; 4.x takes rack repeats as met, the
/// same set in a different order when a datacenter has fewer racks than its factor).
public struct NetworkTopologyStrategy: ReplicationStrategy, Hashable {
    /// The replication factor of each datacenter; datacenters not named get none.
    public let replicationFactors: [String: Int]

    /// A strategy with `replicationFactors` per datacenter name; refuses empty names and
    /// factors outside `0...RingLimits.maximumReplicationFactor`.
    public init(_ replicationFactors: [String: Int]) throws(ReplicationStrategyError) {
        for (datacenter, factor) in replicationFactors {
            guard !datacenter.isEmpty else { throw .emptyDatacenterName }
            try validateReplicationFactor(factor)
        }
        self.replicationFactors = replicationFactors
    }

    public var className: String { "org.apache.cassandra.locator.NetworkTopologyStrategy" }

    public func replicationFactor(in ring: TokenRing) -> Int { replicationFactors.values.reduce(0, +) }

    public func replicas(forPosition index: Int, in ring: TokenRing) -> [HostID] {
        var datacenters = makeDatacenterPlacements(ring)
        var unfilled = datacenters.values.filter { !$0.isDone }.count
        var replicas: [HostID] = []
        for position in ring.positionsClockwise(from: index) {
            if unfilled == 0 { break }
            let owner = ring.owners[position]
            guard let node = ring.nodes[owner], var placement = datacenters[node.datacenter],
                  !placement.isDone, !replicas.contains(owner) else { continue }
            placement.offer(node, to: &replicas)
            if placement.isDone { unfilled -= 1 }
            datacenters[node.datacenter] = placement
        }
        return replicas
    }

    /// A fresh placement for every datacenter with a factor above 0 and nodes on the ring.
    private func makeDatacenterPlacements(_ ring: TokenRing) -> [String: DatacenterPlacement] {
        var placements: [String: DatacenterPlacement] = [:]
        for (datacenter, factor) in replicationFactors where factor > 0 {
            guard let summary = ring.datacenters[datacenter] else { continue }
            placements[datacenter] = DatacenterPlacement(
                wanted: min(factor, summary.nodeCount), rackCount: summary.rackCount)
        }
        return placements
    }
}

/// The replicas chosen so far in one datacenter during one ring walk.
private struct DatacenterPlacement {
    /// How many replicas this datacenter gets: its factor, or its node count if smaller.
    let wanted: Int
    /// How many distinct racks the datacenter has.
    let rackCount: Int
    private(set) var placed = 0
    private var usedRacks: Set<String> = []
    private var setAside: [HostID] = []

    init(wanted: Int, rackCount: Int) {
        self.wanted = wanted
        self.rackCount = rackCount
    }

    var isDone: Bool { placed >= wanted }

    /// Takes `node` (not yet a replica) if its rack is new or every rack is used; otherwise
    /// sets it aside. When the last rack gets used, takes the set-aside nodes in order.
    mutating func offer(_ node: RingNode, to replicas: inout [HostID]) {
        if usedRacks.count == rackCount {
            take(node.id, into: &replicas)
        } else if usedRacks.contains(node.rack) {
            setAside.append(node.id)
        } else {
            usedRacks.insert(node.rack)
            take(node.id, into: &replicas)
            if usedRacks.count == rackCount { takeSetAside(into: &replicas) }
        }
    }

    private mutating func takeSetAside(into replicas: inout [HostID]) {
        for id in setAside where !isDone && !replicas.contains(id) { take(id, into: &replicas) }
        setAside.removeAll()
    }

    private mutating func take(_ id: HostID, into replicas: inout [HostID]) {
        replicas.append(id)
        placed += 1
    }
}
