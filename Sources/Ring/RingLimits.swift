import KVCore

/// The bounds the ring enforces, in one place. Input past them is refused with a typed
/// error, never a trap.
public enum RingLimits {
    /// The most tokens (vnodes) one node may hold. Cassandra's default is 16 (256 before
    /// 4.0); more than this only slows every ring operation.
    public static let maximumTokensPerNode = 1024

    /// The default number of tokens per node (`num_tokens`), as in Cassandra 4.0+.
    public static let defaultTokensPerNode = 16

    /// The largest replication factor a strategy accepts (per datacenter for
    /// `NetworkTopologyStrategy`).
    public static let maximumReplicationFactor = 64

    /// The most nodes a ring may hold.
    public static let maximumNodes = 4096
}
