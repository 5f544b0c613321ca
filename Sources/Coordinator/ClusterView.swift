import KVCore
import Messaging
import Ring

/// What the coordinator needs to know of the cluster at one moment: the ring, where each
/// node listens, which nodes the failure detector holds alive, and this node's place.
/// Immutable, and a class: every request takes the current view, and copying the struct
/// retained and released each of its collections (a few percent of a node's CPU).
public final class ClusterView: Sendable {
    /// The ring of every node that owns tokens (this node included).
    public let ring: TokenRing
    /// Internode address of every ring member.
    public let addresses: [HostID: NodeAddress]
    /// Members currently considered alive (this node always is).
    public let alive: Set<HostID>
    /// This node.
    public let localHost: HostID
    /// This node's datacenter.
    public let localDatacenter: String

    public init(ring: TokenRing, addresses: [HostID: NodeAddress], alive: Set<HostID>, localHost: HostID,
                localDatacenter: String) {
        self.ring = ring
        self.addresses = addresses
        self.alive = alive.union([localHost])
        self.localHost = localHost
        self.localDatacenter = localDatacenter
    }

    /// The datacenter of a ring member.
    public func datacenter(of host: HostID) -> String { ring.node(host)?.datacenter ?? localDatacenter }
}
