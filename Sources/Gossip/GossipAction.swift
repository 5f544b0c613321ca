/// What the shell must do, or may want to know, after an event given to `Gossiper`.
/// Actions come in the order they happened; the shell performs `send` and forwards the
/// others to whoever listens (ring, coordinator, CQL event push).
public enum GossipAction: Hashable, Sendable {
    /// Send `message` to `to` over the internode transport, fire and forget: a lost message
    /// costs nothing but a round.
    case send(GossipMessage, to: GossipEndpoint)
    /// A new endpoint with its full state. A `markedUp` follows unless its status is dead.
    case joined(GossipEndpoint, EndpointState)
    /// A known endpoint restarted (newer generation); `state` replaced everything known
    /// about it, so listeners should re-read all its application states.
    case restarted(GossipEndpoint, EndpointState)
    /// An application state of a known endpoint took a newer value (within a generation).
    case stateChanged(GossipEndpoint, ApplicationStateKey, VersionedValue)
    /// The endpoint is now considered reachable.
    case markedUp(GossipEndpoint)
    /// The endpoint is now considered unreachable: convicted by the failure detector, shut
    /// down, or announced as left.
    case markedDown(GossipEndpoint)
    /// The endpoint was dropped from gossip (its `LEFT` expiry passed, or it never owned
    /// tokens and went silent); gossip about it is ignored for the quarantine delay.
    case removed(GossipEndpoint)
}
