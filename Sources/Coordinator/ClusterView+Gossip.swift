import Gossip
import KVCore
import Messaging
import Ring

/// One endpoint as gossip knows it, for building a `ClusterView`.
public struct GossipMember: Sendable {
    public var endpoint: GossipEndpoint
    public var state: EndpointState
    /// Whether the failure detector holds it alive.
    public var isAlive: Bool

    public init(endpoint: GossipEndpoint, state: EndpointState, isAlive: Bool) {
        self.endpoint = endpoint
        self.state = state
        self.isAlive = isAlive
    }
}

extension ClusterView {
    /// The view gossip describes: ring members with their tokens and addresses, and which
    /// of them are alive (`localEndpoint` always is). Joining nodes own no data yet (their
    /// ranges are pending), so only NORMAL, leaving and shut-down nodes are members; a node
    /// that shut down still owns its ranges and is simply not alive. Throws when the tokens
    /// are inconsistent (two owners of one token).
    public convenience init(gossip members: [GossipMember], localEndpoint: GossipEndpoint, localHost: HostID,
                            localDatacenter: String) throws {
        var ringMembers: [(node: RingNode, tokens: [Token])] = []
        var addresses: [HostID: NodeAddress] = [:]
        var alive = Set<HostID>()
        for member in members {
            let state = member.state
            let status = state[.status].flatMap(NodeStatus.init(value:))
            guard status == .normal || status == .shutdown || status == .leaving,
                  !state.isInDeadState, let id = state[.hostID].flatMap(HostID.init(uuidString:)),
                  let tokens = state[.tokens].flatMap({ TokenListValue.tokens(from: $0) }), !tokens.isEmpty else { continue }
            ringMembers.append((RingNode(id: id, datacenter: state[.datacenter] ?? "dc1", rack: state[.rack] ?? "rack1"),
                                tokens.map(Token.init)))
            addresses[id] = NodeAddress(host: member.endpoint.host, port: Int(member.endpoint.port))
            if member.isAlive || member.endpoint == localEndpoint { alive.insert(id) }
        }
        self.init(ring: try TokenRing(ringMembers), addresses: addresses, alive: alive, localHost: localHost,
                  localDatacenter: localDatacenter)
    }
}
