import Coordinator
import Gossip
import KVCore
import Logging
import Messaging

/// The effectful shell around the pure `Gossiper`: ticks it every gossip interval, carries
/// its messages over the internode transport, feeds it what arrives, and logs what it
/// learns. All gossip state is confined to this actor.
actor GossipService {
    private var gossiper: Gossiper
    private let transport: any Transport
    private let clock: any Clock
    private let logger: Logger
    private var tickTask: Task<Void, Never>?
    /// Called with every action that is not a message to send (up/down/joined/...).
    private let onEvent: @Sendable (GossipAction) -> Void

    static let verbs: [Verb] = [.gossipDigestSyn, .gossipDigestAck, .gossipDigestAck2, .gossipShutdown]

    init(gossiper: Gossiper, transport: any Transport, clock: any Clock, logger: Logger,
         onEvent: @escaping @Sendable (GossipAction) -> Void = { _ in }) {
        self.gossiper = gossiper
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.onEvent = onEvent
    }

    /// Registers the gossip verbs' handler and starts ticking.
    func start() {
        for verb in Self.verbs {
            transport.setHandler(for: verb) { [weak self] message in
                await self?.receive(message)
                return nil
            }
        }
        let interval = gossiper.configuration.gossipIntervalMs
        tickTask = Task { [weak self] in
            while !Task.isCancelled {
                await self?.tick()
                try? await Task.sleep(for: .milliseconds(interval))
            }
        }
    }

    private var nowMillis: Int64 { clock.nowMicros() / 1000 }

    private func tick() {
        perform(gossiper.tick(nowMillis: nowMillis))
    }

    private func receive(_ message: InboundMessage) {
        let decoded: GossipMessage
        do {
            decoded = try GossipMessage.decode(message.payload, configuration: gossiper.configuration)
        } catch {
            logger.warning("dropping a malformed gossip message from \(message.from): \(error)")
            return
        }
        let sender = GossipEndpoint(host: message.from.host, port: UInt16(clamping: message.from.port))
        perform(gossiper.receive(decoded, from: sender, nowMillis: nowMillis))
    }

    private func perform(_ actions: [GossipAction]) {
        for action in actions {
            switch action {
            case let .send(message, endpoint):
                transport.send(message.encode(), verb: message.verb,
                               to: NodeAddress(host: endpoint.host, port: Int(endpoint.port)))
            case let .markedUp(endpoint):
                logger.info("node \(endpoint) is up")
                onEvent(action)
            case let .markedDown(endpoint):
                logger.info("node \(endpoint) is down")
                onEvent(action)
            case let .joined(endpoint, _):
                logger.info("node \(endpoint) joined")
                onEvent(action)
            case let .restarted(endpoint, _):
                logger.info("node \(endpoint) restarted")
                onEvent(action)
            case let .removed(endpoint):
                logger.info("node \(endpoint) removed from gossip")
                onEvent(action)
            case .stateChanged:
                onEvent(action)
            }
        }
    }

    // MARK: Local state and views

    func setApplicationStates(_ states: [ApplicationStateKey: String]) {
        gossiper.setApplicationStates(states)
    }

    func setStatus(_ status: NodeStatus) {
        gossiper.setStatus(status)
    }

    /// Every known endpoint with its state and whether it is alive (this node always is).
    func snapshot() -> [(endpoint: GossipEndpoint, state: EndpointState, isAlive: Bool)] {
        gossiper.knownEndpoints.compactMap { endpoint in
            guard let state = gossiper.endpointStates[endpoint] else { return nil }
            let alive = endpoint == gossiper.localEndpoint || gossiper.isAlive(endpoint)
            return (endpoint, state, alive)
        }
    }

    /// Tells live peers this node is going away, then stops ticking.
    func shutdown() async {
        tickTask?.cancel()
        tickTask = nil
        perform(gossiper.shutdown())
        for verb in Self.verbs { transport.setHandler(for: verb, nil) }
    }
}
