/// A gossip message between two nodes. The shell sends `encode()`'s bytes over the internode
/// transport and hands received bytes to `decode(_:configuration:)`, then the message to
/// `Gossiper.receive(_:from:nowMillis:)`. The byte layout is in `FORMAT.md`.
public enum GossipMessage: Hashable, Sendable {
    case syn(GossipSyn)
    case ack(GossipAck)
    case ack2(GossipAck2)
    case shutdown(GossipShutdown)
}
