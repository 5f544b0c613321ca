import KVCore
import Ring

/// Which nodes keep a logged batch's batchlog: Cassandra's `filterBatchlogEndpoints`.
///
/// Candidates are the ring members of the coordinator's datacenter. A datacenter of one node
/// logs on that node. Otherwise the coordinator itself and nodes the view holds dead are left
/// out; of the rest, up to two are taken, from racks other than the coordinator's when at
/// least two such nodes are alive, and from two different racks when there are several. With
/// no candidate left, ANY logs on the coordinator itself and every other level is
/// Unavailable (ONE, 1 required, 0 alive), as in Cassandra. A pure function of the view and
/// the random draws.
public enum BatchlogEndpoints {
    /// The nodes to store the batchlog on (one or two).
    public static func choose(view: ClusterView, consistency: ConsistencyLevel,
                              random: any RandomSource) throws(CoordinatorError) -> [HostID] {
        let members = view.ring.nodes.values.filter { $0.datacenter == view.localDatacenter }
        if members.count == 1 { return members.map(\.id) }
        let localRack = view.ring.node(view.localHost)?.rack
        var valid = members.filter { $0.id != view.localHost && view.alive.contains($0.id) }.sorted { $0.id < $1.id }
        if valid.isEmpty {
            guard consistency == .any else { throw .unavailable(.one, required: 1, alive: 0) }
            return [view.localHost]
        }
        if valid.count <= 2 { return valid.map(\.id) }
        if valid.count(where: { $0.rack != localRack }) >= 2 { valid.removeAll { $0.rack == localRack } }
        var racks: [String] = []
        for node in valid where !racks.contains(node.rack) { racks.append(node.rack) }
        if racks.count == 1 { return Array(shuffled(valid.map(\.id), random).prefix(2)) }
        if racks.count > 2 { racks = shuffled(racks, random) }
        return racks.prefix(2).map { rack in
            let inRack = valid.filter { $0.rack == rack }
            return inRack[random.next(in: 0..<inRack.count)].id
        }
    }

    /// `items` in a random order (Fisher-Yates with `random`).
    static func shuffled<T>(_ items: [T], _ random: any RandomSource) -> [T] {
        var items = items
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, random.next(in: 0..<(index + 1)))
        }
        return items
    }
}
