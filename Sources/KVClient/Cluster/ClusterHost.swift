import KVCore

/// A node as `system.local` / `system.peers` describe it.
public struct ClusterHost: Sendable, Hashable {
    /// Where to connect.
    public var address: HostAddress
    /// `host_id`, when reported.
    public var hostID: CQLUUID?
    /// `data_center`, when reported.
    public var datacenter: String?
    /// The node's tokens (the ranges (previous token, t] it owns).
    public var tokens: [Token]

    /// Creates a host description.
    public init(address: HostAddress, hostID: CQLUUID? = nil, datacenter: String? = nil, tokens: [Token] = []) {
        self.address = address
        self.hostID = hostID
        self.datacenter = datacenter
        self.tokens = tokens
    }
}
