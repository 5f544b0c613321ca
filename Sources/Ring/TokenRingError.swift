import KVCore

/// Why a ring could not be built from the given tokens.
public enum TokenRingError: Error, Hashable, Sendable {
    /// Two nodes (or one node twice) claim the same token.
    case duplicateToken(Token, first: HostID, second: HostID)
    /// A node claims `Token.minimum`, which is never a real token.
    case minimumTokenNotAllowed(HostID)
    /// A node was given no tokens; a node without tokens is not on the ring.
    case noTokens(HostID)
    /// A node was given more than `RingLimits.maximumTokensPerNode` tokens.
    case tooManyTokens(HostID, count: Int)
    /// The same host id appears twice.
    case duplicateNode(HostID)
    /// More than `RingLimits.maximumNodes` nodes.
    case tooManyNodes(count: Int)
}
