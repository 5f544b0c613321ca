/// The answer to a Syn: the states the Syn's sender lacks, and requests for what the
/// answering node lacks.
public struct GossipAck: Hashable, Sendable {
    /// Endpoints whose state the answering node wants, each with the version after which it
    /// wants states (0: everything).
    public var requests: [GossipDigest]
    /// Endpoint states (deltas) newer than what the Syn advertised, plus endpoints the Syn
    /// did not mention at all.
    public var states: [GossipEndpoint: EndpointState]

    /// Memberwise.
    public init(requests: [GossipDigest], states: [GossipEndpoint: EndpointState]) {
        self.requests = requests
        self.states = states
    }
}
