import KVCore

/// A node as replica placement sees it: its identity and where it sits in the topology.
///
/// `datacenter` and `rack` are the snitch's names (gossip's `DC` and `RACK` states);
/// `NetworkTopologyStrategy` places replicas by them. Comparison is by all three fields.
public struct RingNode: Hashable, Sendable {
    /// The node's permanent identity.
    public var id: HostID
    /// The datacenter name, as keyspaces name it in `NetworkTopologyStrategy` options.
    public var datacenter: String
    /// The rack name, unique within its datacenter.
    public var rack: String

    /// A node in `datacenter` and `rack`.
    public init(id: HostID, datacenter: String, rack: String) {
        self.id = id
        self.datacenter = datacenter
        self.rack = rack
    }
}
