/// A summary of what a node knows about one endpoint: the generation and the highest version
/// among its heartbeat and application states. Digests are what a Syn carries, and an Ack's
/// requests reuse the form ("send me this endpoint's state newer than `maxVersion`").
public struct GossipDigest: Hashable, Sendable {
    /// The endpoint summarised.
    public var endpoint: GossipEndpoint
    /// The endpoint's heartbeat generation as known by the digest's author.
    public var generation: Int64
    /// The highest version known; in a request, the version after which states are wanted
    /// (0 asks for everything).
    public var maxVersion: Int64

    /// Memberwise.
    public init(endpoint: GossipEndpoint, generation: Int64, maxVersion: Int64) {
        self.endpoint = endpoint
        self.generation = generation
        self.maxVersion = maxVersion
    }
}
