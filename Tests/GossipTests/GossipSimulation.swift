import Gossip
import KVCore

/// N gossipers in one process over a tiny in-memory network, driven by virtual time.
///
/// Every message is encoded, delayed by a random 1...`maxDelayMillis`, possibly dropped,
/// then decoded and delivered, so the codec is exercised too. Each node ticks every
/// gossip interval at its own random phase. All randomness comes from the seed: the same
/// seed and the same calls give the same run.
final class GossipSimulation {
    struct Options {
        var nodeCount = 50
        var seedCount = 3
        var seed: UInt64 = 1
        var dropProbability = 0.0
        var maxDelayMillis: Int64 = 20
        var gossip = GossipConfiguration(clusterName: "simulation")
    }

    /// A non-send action some node produced, and when.
    struct Observation {
        let timeMillis: Int64
        let observer: Int
        let action: GossipAction
    }

    /// Virtual wall-clock start: 2023-11-14.
    static let startMillis: Int64 = 1_700_000_000_000

    let options: Options
    let endpoints: [GossipEndpoint]
    private(set) var nowMillis = GossipSimulation.startMillis
    private(set) var gossipers: [Gossiper?]
    private(set) var observations: [Observation] = []
    private(set) var decodeFailures = 0
    private(set) var messagesSent = 0
    /// Nodes cut off from every other node (both directions).
    var isolated: Set<Int> = []
    private var incarnations: [Int]
    private var lastGenerations: [Int64]
    private var queue = SimulationEventQueue()
    private let network: SeededRandomSource

    init(_ options: Options) {
        self.options = options
        endpoints = (0..<options.nodeCount).map { GossipEndpoint(host: "10.0.\($0 / 256).\($0 % 256)", port: 7000) }
        gossipers = Array(repeating: nil, count: options.nodeCount)
        incarnations = Array(repeating: 0, count: options.nodeCount)
        lastGenerations = Array(repeating: 0, count: options.nodeCount)
        network = SeededRandomSource(seed: options.seed)
    }

    var seeds: [GossipEndpoint] { Array(endpoints.prefix(options.seedCount)) }

    /// Starts (or restarts, with a newer generation) every node.
    func startAll() {
        for node in 0..<options.nodeCount { start(node) }
    }

    /// Starts `node` with a fresh gossiper that knows only the seeds.
    func start(_ node: Int) {
        let generation = max(nowMillis / 1000, lastGenerations[node] + 1)
        lastGenerations[node] = generation
        incarnations[node] += 1
        let random = SeededRandomSource(seed: options.seed &* 0x9E37_79B9 &+ UInt64(node) << 20 &+ UInt64(incarnations[node]))
        gossipers[node] = Gossiper(localEndpoint: endpoints[node], generation: generation, seeds: seeds,
                                   configuration: options.gossip, random: random,
                                   applicationStates: Self.applicationStates(of: node, endpoint: endpoints[node]))
        let phaseMillis = Int64(network.next(below: UInt64(options.gossip.gossipIntervalMs)))
        queue.schedule(.tick(node: node, incarnation: incarnations[node]), atMillis: nowMillis + phaseMillis)
    }

    /// Stops `node` without a word (a crash or kill -9).
    func stop(_ node: Int) {
        gossipers[node] = nil
        incarnations[node] += 1
    }

    /// Lets `node` act on its own gossiper (set states, leave, shut down) and performs the
    /// actions it returns.
    func act(on node: Int, _ body: (inout Gossiper, Int64) -> [GossipAction]) {
        guard var gossiper = gossipers[node] else { return }
        let actions = body(&gossiper, nowMillis)
        gossipers[node] = gossiper
        perform(actions, of: node)
    }

    /// Runs every event up to and including `timeMillis`, then sets the clock to it.
    func run(untilMillis timeMillis: Int64) {
        while let next = queue.nextTimeMillis, next <= timeMillis {
            let (eventTime, event) = queue.popFirst()!
            nowMillis = eventTime
            handle(event)
        }
        nowMillis = timeMillis
    }

    /// Runs in steps of `stepMillis` until `condition` holds (checked after each step) or
    /// `limitMillis` of virtual time have passed; returns the time it first held.
    func run(stepMillis: Int64 = 1000, limitMillis: Int64, until condition: () -> Bool) -> Int64? {
        let deadline = nowMillis + limitMillis
        while nowMillis < deadline {
            run(untilMillis: nowMillis + stepMillis)
            if condition() { return nowMillis }
        }
        return nil
    }

    private func handle(_ event: SimulationEventQueue.Event) {
        switch event {
        case .tick(let node, let incarnation):
            guard incarnation == incarnations[node], var gossiper = gossipers[node] else { return }
            let actions = gossiper.tick(nowMillis: nowMillis)
            gossipers[node] = gossiper
            perform(actions, of: node)
            queue.schedule(.tick(node: node, incarnation: incarnation), atMillis: nowMillis + options.gossip.gossipIntervalMs)
        case .delivery(let from, let to, let bytes):
            deliver(bytes, from: from, to: to)
        }
    }

    private func deliver(_ bytes: [UInt8], from: Int, to: Int) {
        guard var gossiper = gossipers[to], canReach(from, to) else { return }
        guard let message = try? GossipMessage.decode(bytes, configuration: options.gossip) else {
            decodeFailures += 1
            return
        }
        let actions = gossiper.receive(message, from: endpoints[from], nowMillis: nowMillis)
        gossipers[to] = gossiper
        perform(actions, of: to)
    }

    private func perform(_ actions: [GossipAction], of node: Int) {
        for action in actions {
            guard case .send(let message, let target) = action else {
                observations.append(Observation(timeMillis: nowMillis, observer: node, action: action))
                continue
            }
            send(message, from: node, to: index(of: target))
        }
    }

    private func send(_ message: GossipMessage, from: Int, to: Int) {
        messagesSent += 1
        guard canReach(from, to), !network.chance(options.dropProbability) else { return }
        let delayMillis = 1 + Int64(network.next(below: UInt64(options.maxDelayMillis)))
        queue.schedule(.delivery(from: from, to: to, bytes: message.encode()), atMillis: nowMillis + delayMillis)
    }

    private func canReach(_ from: Int, _ to: Int) -> Bool {
        !isolated.contains(from) && !isolated.contains(to)
    }

    func index(of endpoint: GossipEndpoint) -> Int {
        endpoints.firstIndex(of: endpoint)!
    }

    // MARK: - Checks

    var runningNodes: [Int] { (0..<options.nodeCount).filter { gossipers[$0] != nil } }

    /// True when every running node knows every other running node's current application
    /// states exactly, with the current generation, and holds it alive.
    func isConverged() -> Bool {
        let running = runningNodes
        return running.allSatisfy { observer in
            let gossiper = gossipers[observer]!
            return running.allSatisfy { subject in
                let truth = gossipers[subject]!.localState
                guard let known = gossiper.endpointStates[endpoints[subject]] else { return false }
                return known.heartbeat.generation == truth.heartbeat.generation
                    && known.applicationStates == truth.applicationStates
                    && gossiper.isAlive(endpoints[subject])
            }
        }
    }

    /// The first time each observer reported an action matching `matches` at or after
    /// `sinceMillis`.
    func firstTimes(sinceMillis: Int64, where matches: (GossipAction) -> Bool) -> [Int: Int64] {
        var times: [Int: Int64] = [:]
        for observation in observations where observation.timeMillis >= sinceMillis && matches(observation.action) {
            if times[observation.observer] == nil { times[observation.observer] = observation.timeMillis }
        }
        return times
    }

    /// The states a simulated node gossips about itself.
    static func applicationStates(of node: Int, endpoint: GossipEndpoint) -> [ApplicationStateKey: String] {
        let tokens = (0..<16).map { Int64(bitPattern: SplitMix64.hash(UInt64(node * 16 + $0))) }
        return [
            .status: NodeStatus.normal.value,
            .tokens: TokenListValue.string(from: tokens),
            .datacenter: "dc1",
            .rack: "rack\(node % 3)",
            .schemaVersion: "59adb24e-f3cd-3e02-97f0-5b395827453f",
            .load: "\(node * 1_000_000)",
            .nativeAddress: endpoint.host,
            .nativePort: "9042",
            .hostID: "00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(node).count))\(node)",
            .releaseVersion: "4.0.0-kvstore",
            .internodeAddress: endpoint.description,
        ]
    }
}
