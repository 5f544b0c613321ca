/// Sent by a node that is stopping cleanly to every live peer, so they mark it down at once
/// instead of waiting for the failure detector.
public struct GossipShutdown: Hashable, Sendable {
    /// The sender's own final state, whose status is `shutdown`; receivers apply it so that
    /// the status spreads by gossip like any other change.
    public var state: EndpointState

    /// Memberwise.
    public init(state: EndpointState) {
        self.state = state
    }
}
