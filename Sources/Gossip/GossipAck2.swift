/// The last message of a gossip round: the states an Ack requested.
public struct GossipAck2: Hashable, Sendable {
    /// The requested endpoint states (deltas).
    public var states: [GossipEndpoint: EndpointState]

    /// Memberwise.
    public init(states: [GossipEndpoint: EndpointState]) {
        self.states = states
    }
}
