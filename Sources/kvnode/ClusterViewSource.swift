import Coordinator
import Gossip
import KVCore
import Logging
import Messaging
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
        let members = await gossip.snapshot().map { GossipMember(endpoint: $0.endpoint, state: $0.state, isAlive: $0.isAlive) }
        do {
            let localHost = view.localHost, datacenter = view.localDatacenter
            let rebuilt = try ClusterView(gossip: members, localEndpoint: localEndpoint, localHost: localHost,
                                          localDatacenter: datacenter)
            current.withLock { $0 = rebuilt }
        } catch {
            logger.warning("gossip describes an inconsistent ring (\(error)); keeping the previous view")
        }
    }
}
