import Gossip
import KVCore

/// Helpers shared by the gossiper unit tests: endpoints, states, and a way to run one
/// Syn/Ack/Ack2 round between two gossipers by hand.
enum GossipTestSupport {
    static let startMillis: Int64 = 1_700_000_000_000
    static let generation: Int64 = 1_700_000_000

    static func endpoint(_ index: Int) -> GossipEndpoint {
        GossipEndpoint(host: "10.0.0.\(index)", port: 7000)
    }

    static func gossiper(_ index: Int, generation: Int64 = generation, seeds: [GossipEndpoint] = [],
                         configuration: GossipConfiguration = GossipConfiguration(), seed: UInt64 = 1,
                         states: [ApplicationStateKey: String]? = nil) -> Gossiper {
        Gossiper(localEndpoint: endpoint(index), generation: generation, seeds: seeds, configuration: configuration,
                 random: SeededRandomSource(seed: seed &+ UInt64(index)),
                 applicationStates: states ?? defaultStates(index))
    }

    static func defaultStates(_ index: Int) -> [ApplicationStateKey: String] {
        [.status: NodeStatus.normal.value, .tokens: TokenListValue.string(from: [Int64(index) * 1000]),
         .datacenter: "dc1", .rack: "rack1", .hostID: "host-\(index)"]
    }

    /// A state for `index` as a peer would gossip it: heartbeat `version`, given states.
    static func state(generation: Int64 = generation, heartbeat version: Int64,
                      _ states: [ApplicationStateKey: VersionedValue] = [:]) -> EndpointState {
        EndpointState(heartbeat: HeartbeatState(generation: generation, version: version), applicationStates: states)
    }

    /// The messages among `actions`, with their targets.
    static func sends(_ actions: [GossipAction]) -> [(message: GossipMessage, target: GossipEndpoint)] {
        actions.compactMap { if case .send(let message, let target) = $0 { (message, target) } else { nil } }
    }

    /// Everything but the sends.
    static func events(_ actions: [GossipAction]) -> [GossipAction] {
        actions.filter { if case .send = $0 { false } else { true } }
    }

    /// One round started by `initiator`'s tick at `nowMillis`, its Syn delivered to
    /// `responder` whoever the tick chose, then the Ack and the Ack2 — each through the codec.
    /// Returns the non-send actions of each side.
    @discardableResult
    static func exchange(_ initiator: inout Gossiper, _ responder: inout Gossiper,
                         nowMillis: Int64) -> (initiator: [GossipAction], responder: [GossipAction]) {
        let tickActions = initiator.tick(nowMillis: nowMillis)
        var initiatorEvents = events(tickActions)
        var responderEvents: [GossipAction] = []
        guard let syn = sends(tickActions).first(where: { if case .syn = $0.message { true } else { false } })?.message else {
            preconditionFailure("the initiator's tick sent no Syn: give it a seed or a live peer")
        }
        let answer = responder.receive(relay(syn), from: initiator.localEndpoint, nowMillis: nowMillis)
        responderEvents += events(answer)
        guard let ack = sends(answer).first?.message else { return (initiatorEvents, responderEvents) }
        let reply = initiator.receive(relay(ack), from: responder.localEndpoint, nowMillis: nowMillis)
        initiatorEvents += events(reply)
        if let ack2 = sends(reply).first?.message {
            responderEvents += events(responder.receive(relay(ack2), from: initiator.localEndpoint, nowMillis: nowMillis))
        }
        return (initiatorEvents, responderEvents)
    }

    /// A message as the peer receives it: encoded and decoded.
    static func relay(_ message: GossipMessage) -> GossipMessage {
        try! GossipMessage.decode(message.encode())
    }

    /// Makes `gossiper` know `peer` as alive with heartbeats every second from
    /// `fromMillis` for `seconds`, as if gossip brought them.
    static func feedHeartbeats(_ gossiper: inout Gossiper, peer: GossipEndpoint, state: EndpointState,
                               fromMillis: Int64, seconds: Int) {
        for second in 0..<seconds {
            var beat = state
            beat.heartbeat.version = state.heartbeat.version + Int64(second)
            _ = gossiper.receive(.ack2(GossipAck2(states: [peer: beat])), from: peer,
                                 nowMillis: fromMillis + Int64(second) * 1000)
        }
    }
}
