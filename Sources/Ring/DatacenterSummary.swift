import KVCore

/// How many nodes and racks one datacenter has on a ring; what `NetworkTopologyStrategy`
/// needs to know when a datacenter or its racks are exhausted.
public struct DatacenterSummary: Hashable, Sendable {
    /// Nodes of the datacenter on the ring.
    public var nodeCount: Int
    /// Distinct rack names among them.
    public var rackCount: Int

    /// A summary with the given counts.
    public init(nodeCount: Int, rackCount: Int) {
        self.nodeCount = nodeCount
        self.rackCount = rackCount
    }

    /// The summary of every datacenter among `nodes`. O(n).
    static func summarize(_ nodes: some Sequence<RingNode>) -> [String: DatacenterSummary] {
        var racks: [String: Set<String>] = [:]
        var counts: [String: Int] = [:]
        for node in nodes {
            racks[node.datacenter, default: []].insert(node.rack)
            counts[node.datacenter, default: 0] += 1
        }
        var summaries: [String: DatacenterSummary] = [:]
        for (datacenter, count) in counts {
            summaries[datacenter] = DatacenterSummary(nodeCount: count, rackCount: racks[datacenter, default: []].count)
        }
        return summaries
    }
}
