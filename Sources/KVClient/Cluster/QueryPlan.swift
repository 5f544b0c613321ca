/// The order in which nodes are tried for one request: the owner of the routing token first
/// (when known), then every other node, round-robin from `rotation` so load spreads.
///
/// Pure: `hostCount` nodes, indexes only.
enum QueryPlan {
    /// The node indexes to try, each once.
    static func order(hostCount: Int, preferred: Int?, rotation: Int) -> [Int] {
        guard hostCount > 0 else { return [] }
        var order: [Int] = []
        order.reserveCapacity(hostCount)
        if let preferred, preferred < hostCount { order.append(preferred) }
        let start = ((rotation % hostCount) + hostCount) % hostCount
        for step in 0..<hostCount {
            let index = (start + step) % hostCount
            if index != preferred { order.append(index) }
        }
        return order
    }
}
