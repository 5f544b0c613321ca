import Coordinator
import Gossip
import KVCore
import Logging
import Messaging
import Ring
import Synchronization

/// The coordinator's picture of the cluster, rebuilt from gossip a few times a second so a
/// request never waits on gossip: ring members with tokens (this node included, once it is
/// NORMAL), their internode addresses, and which of them the failure detector holds alive.
final class ClusterViewSource: Sendable {
    static let refreshInterval: Duration = .milliseconds(200)
    private let current: Mutex<ClusterView>
    private let gossip: GossipService
    private let localEndpoint: GossipEndpoint
    private let logger: Logger

    init(gossip: GossipService, localEndpoint: GossipEndpoint, localHost: HostID, datacenter: String, logger: Logger) {
        self.gossip = gossip
        self.localEndpoint = localEndpoint
        self.logger = logger
        current = Mutex(ClusterView(ring: .empty, addresses: [:], alive: [], localHost: localHost, localDatacenter: datacenter))
    }

    var view: ClusterView { current.withLock { $0 } }

    /// Rebuilds the view until cancelled.
    func run() async {
        while !Task.isCancelled {
            await refresh()
            try? await Task.sleep(for: Self.refreshInterval)
        }
    }

    func refresh() async {
        let snapshot = await gossip.snapshot()
        var members: [(node: RingNode, tokens: [Token])] = []
        var addresses: [HostID: NodeAddress] = [:]
        var alive = Set<HostID>()
        for entry in snapshot {
            let state = entry.state
            // Joining nodes own no data yet (their ranges are pending); a node that shut
            // down still owns its ranges and is simply not alive.
            let status = state[.status].flatMap(NodeStatus.init(value:))
            guard status == .normal || status == .shutdown || status == .leaving,
                  !state.isInDeadState, let id = state[.hostID].flatMap(HostID.init(uuidString:)),
                  let tokens = state[.tokens].flatMap({ TokenListValue.tokens(from: $0) }), !tokens.isEmpty else { continue }
            members.append((RingNode(id: id, datacenter: state[.datacenter] ?? "dc1", rack: state[.rack] ?? "rack1"),
                            tokens.map(Token.init)))
            addresses[id] = NodeAddress(host: entry.endpoint.host, port: Int(entry.endpoint.port))
            if entry.isAlive || entry.endpoint == localEndpoint { alive.insert(id) }
        }
        do {
            let ring = try TokenRing(members)
            current.withLock { view in
                view = ClusterView(ring: ring, addresses: addresses, alive: alive, localHost: view.localHost,
                                   localDatacenter: view.localDatacenter)
            }
        } catch {
            logger.warning("gossip describes an inconsistent ring (\(error)); keeping the previous view")
        }
    }
}
