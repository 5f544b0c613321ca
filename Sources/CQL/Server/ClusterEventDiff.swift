/// What clients may be told about one node: its published native address and port, whether
/// it is in the ring, whether it is alive, and which incarnation (gossip generation) it is.
public struct ClientVisibleNode: Sendable, Hashable {
    /// The node's native (rpc) address and native port, as events carry them.
    public var address: ProtocolInet
    /// Owns tokens and has not left the ring.
    public var isInRing: Bool
    /// Alive in the failure detector's view.
    public var isUp: Bool
    /// Larger on every restart.
    public var generation: Int64

    /// Creates a view of a node.
    public init(address: ProtocolInet, isInRing: Bool, isUp: Bool, generation: Int64) {
        self.address = address
        self.isInRing = isInRing
        self.isUp = isUp
        self.generation = generation
    }
}

/// Turns two successive views of the cluster into the TOPOLOGY_CHANGE and STATUS_CHANGE
/// events a client should see, as Cassandra sends them. Pure.
public enum ClusterEventDiff {
    /// The events that lead from `previous` to `current` (both keyed by a stable node key,
    /// e.g. the internode endpoint), ordered by key:
    /// - NEW_NODE when a node enters the ring, REMOVED_NODE when it leaves it (or vanishes);
    /// - DOWN / UP when a node in both views changes liveness;
    /// - DOWN then UP when it stayed up but restarted (a new generation) between the views,
    ///   as Cassandra does when a restart outruns failure detection.
    public static func events(from previous: [String: ClientVisibleNode],
                              to current: [String: ClientVisibleNode]) -> [ProtocolEvent] {
        let keys = Set(previous.keys).union(current.keys).sorted()
        return keys.flatMap { key in events(from: previous[key], to: current[key]) }
    }

    private static func events(from before: ClientVisibleNode?, to after: ClientVisibleNode?) -> [ProtocolEvent] {
        let wasInRing = before?.isInRing ?? false
        let isInRing = after?.isInRing ?? false
        switch (before, after) {
        case (let before?, _) where wasInRing && !isInRing:
            return [.topologyChange(.removedNode, before.address)]
        case (_, let after?) where !wasInRing && isInRing:
            return [.topologyChange(.newNode, after.address)]
        case (let before?, let after?) where wasInRing && isInRing:
            if before.isUp && !after.isUp { return [.statusChange(.down, after.address)] }
            if !before.isUp && after.isUp { return [.statusChange(.up, after.address)] }
            if after.isUp && after.generation != before.generation {
                return [.statusChange(.down, before.address), .statusChange(.up, after.address)]
            }
            return []
        default:
            return []
        }
    }
}
