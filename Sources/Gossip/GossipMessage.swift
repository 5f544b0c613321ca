/// A gossip message between two nodes. The shell sends `encode()`'s bytes over the internode
/// transport and hands received bytes to `decode(_:configuration:)`, then the message to
/// `Gossiper.receive(_:from:nowMillis:)`. The byte layout is in `FORMAT.md`.
public enum GossipMessage: Hashable, Sendable {
    /// Opens a round: the sender's digests.
    case syn(GossipSyn)
    /// Answers a Syn: deltas for the sender, requests for the answerer.
    case ack(GossipAck)
    /// Closes a round: the states the Ack requested.
    case ack2(GossipAck2)
    /// The sender is stopping cleanly.
    case shutdown(GossipShutdown)
}
