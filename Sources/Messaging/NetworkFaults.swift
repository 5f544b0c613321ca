/// The faults an `InMemoryNetwork` injects: which directed links lose every message. A
/// value type; the network holds one and consults it on every send and every answer.
///
/// A message from A to B is lost when A's outgoing traffic is dropped, B's incoming traffic
/// is dropped, or the link A→B is blocked. Blocking only A→B (not B→A) models the one-way
/// partitions that confuse failure detectors.
public struct NetworkFaults: Sendable, Equatable {
    /// A directed link between two nodes.
    public struct Link: Hashable, Sendable {
        /// The sending node.
        public var from: NodeAddress
        /// The receiving node.
        public var to: NodeAddress

        /// The link from `from` to `to`.
        public init(from: NodeAddress, to: NodeAddress) {
            self.from = from
            self.to = to
        }
    }

    /// Links that lose every message.
    public var blockedLinks: Set<Link> = []
    /// Nodes whose every outgoing message is lost.
    public var droppingFrom: Set<NodeAddress> = []
    /// Nodes whose every incoming message is lost.
    public var droppingTo: Set<NodeAddress> = []

    /// No faults.
    public init() {}

    /// True when a message from `from` to `to` gets through.
    public func allows(from: NodeAddress, to: NodeAddress) -> Bool {
        !droppingFrom.contains(from) && !droppingTo.contains(to)
            && !blockedLinks.contains(Link(from: from, to: to))
    }

    /// Blocks the link from `from` to `to` only.
    public mutating func block(from: NodeAddress, to: NodeAddress) {
        blockedLinks.insert(Link(from: from, to: to))
    }

    /// Blocks both directions between `first` and `second`.
    public mutating func partition(_ first: NodeAddress, _ second: NodeAddress) {
        block(from: first, to: second)
        block(from: second, to: first)
    }

    /// Loses everything `node` sends and everything sent to it.
    public mutating func isolate(_ node: NodeAddress) {
        droppingFrom.insert(node)
        droppingTo.insert(node)
    }

    /// Restores every link of `node`: its own traffic and every blocked link touching it.
    public mutating func heal(_ node: NodeAddress) {
        droppingFrom.remove(node)
        droppingTo.remove(node)
        blockedLinks = blockedLinks.filter { $0.from != node && $0.to != node }
    }

    /// Removes every fault.
    public mutating func healAll() {
        self = NetworkFaults()
    }
}
