/// The liveness counter a node gossips about itself.
///
/// `generation` is the node's start time in seconds since the epoch, strictly larger on every
/// restart; `version` comes from the node's version counter, which also stamps its
/// application states, and grows every gossip round. A state with a larger generation
/// replaces everything known about the node; within a generation, larger versions win.
public struct HeartbeatState: Hashable, Sendable {
    /// The node's start time in seconds; never negative.
    public var generation: Int64
    /// The latest version the node drew for its heartbeat; never negative.
    public var version: Int64

    /// Memberwise.
    public init(generation: Int64, version: Int64) {
        self.generation = generation
        self.version = version
    }
}
