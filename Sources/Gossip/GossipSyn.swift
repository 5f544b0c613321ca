/// The first message of a gossip round: "here is what I know", as one digest per endpoint.
public struct GossipSyn: Hashable, Sendable {
    /// The sender's cluster name; a receiver in another cluster ignores the message.
    public var clusterName: String
    /// One digest per endpoint the sender knows, itself included, in random order (so that
    /// a size-limited Syn covers different endpoints in different rounds).
    public var digests: [GossipDigest]

    /// Memberwise.
    public init(clusterName: String, digests: [GossipDigest]) {
        self.clusterName = clusterName
        self.digests = digests
    }
}
