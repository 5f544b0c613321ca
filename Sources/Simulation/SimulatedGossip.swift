import Coordinator
import Gossip
import KVCore
import Messaging
import Synchronization

/// The simulator's shell around a real `Gossiper`, as `GossipService` is the node's: it
/// carries the gossiper's messages, encoded, over the node's transport, feeds it what
/// arrives, and ticks it when the node's gossip task says so.
final class SimulatedGossip: Sendable {
    private static let verbs: [Verb] = [.gossipDigestSyn, .gossipDigestAck, .gossipDigestAck2, .gossipShutdown]
    private let gossiper: Mutex<Gossiper>
    private let transport: any Transport
    private let clock: any Clock
    private let configuration: GossipConfiguration

    init(gossiper: Gossiper, transport: any Transport, clock: any Clock) {
        configuration = gossiper.configuration
        self.gossiper = Mutex(gossiper)
        self.transport = transport
        self.clock = clock
    }

    private var nowMillis: Int64 { clock.nowMicros() / 1000 }

    /// Starts answering gossip messages.
    func installHandlers() {
        for verb in Self.verbs {
            transport.setHandler(for: verb) { [self] message in
                receive(message)
                return nil
            }
        }
    }

    func tick() {
        let now = nowMillis
        perform(gossiper.withLock { $0.tick(nowMillis: now) })
    }

    /// Every known endpoint with its state and liveness (the local one is always alive).
    var members: [GossipMember] {
        gossiper.withLock { gossiper in
            gossiper.knownEndpoints.compactMap { endpoint in
                guard let state = gossiper.endpointStates[endpoint] else { return nil }
                let alive = endpoint == gossiper.localEndpoint || gossiper.isAlive(endpoint)
                return GossipMember(endpoint: endpoint, state: state, isAlive: alive)
            }
        }
    }

    private func receive(_ message: InboundMessage) {
        guard let decoded = try? GossipMessage.decode(message.payload, configuration: configuration) else { return }
        let sender = GossipEndpoint(host: message.from.host, port: UInt16(clamping: message.from.port))
        let now = nowMillis
        perform(gossiper.withLock { $0.receive(decoded, from: sender, nowMillis: now) })
    }

    private func perform(_ actions: [GossipAction]) {
        for case let .send(message, endpoint) in actions {
            transport.send(message.encode(), verb: message.verb, to: NodeAddress(host: endpoint.host, port: Int(endpoint.port)))
        }
    }
}
