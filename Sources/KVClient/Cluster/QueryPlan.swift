/// The order in which nodes are tried for one request: the owner of the routing token first
/// (when known), then every other node, round-robin from `rotation` so load spreads.
///
/// Pure: `hostCount` nodes, indexes only. A sequence computed as it is iterated, so a
/// request allocates nothing for its plan.
struct QueryPlan: Sequence, IteratorProtocol {
    private let hostCount: Int
    private let preferred: Int?
    private let start: Int
    private var preferredTried = false
    private var step = 0

    /// The plan over `hostCount` nodes.
    init(hostCount: Int, preferred: Int?, rotation: Int) {
        self.hostCount = hostCount
        self.preferred = preferred.flatMap { $0 < hostCount ? $0 : nil }
        self.start = hostCount > 0 ? ((rotation % hostCount) + hostCount) % hostCount : 0
    }

    /// The next node index to try, each once.
    mutating func next() -> Int? {
        if let preferred, !preferredTried {
            preferredTried = true
            return preferred
        }
        while step < hostCount {
            let index = (start + step) % hostCount
            step += 1
            if index != preferred { return index }
        }
        return nil
    }
}
