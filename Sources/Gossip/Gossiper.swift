import KVCore

/// Cassandra-style gossip membership for one node, as a pure state machine.
///
/// Events go in — `tick` once per `gossipIntervalMs`, `receive` for every decoded message,
/// the local-state setters — and `GossipAction`s come out for the shell to perform (send a
/// message) or forward (membership and state changes). The gossiper reads no clock: every
/// event carries `nowMillis`, wall-clock milliseconds since the epoch (`Clock.nowMicros() /
/// 1000` at the shell), used for failure detection, `LEFT` expiry and quarantine. All its
/// random choices come from the injected `RandomSource`, and it walks endpoints in sorted
/// order, so the same seed and the same events give the same actions.
///
/// Not thread-safe: a value owned by one task or actor that serialises the calls. A call
/// costs O(known endpoints), plus sorting the endpoint states a message carries.
///
/// Wiring, in the shell:
///
///     var gossiper = Gossiper(localEndpoint: me, generation: generation, seeds: seeds,
///                             configuration: configuration, random: SystemRandomSource(),
///                             applicationStates: [.status: NodeStatus.joining.value, ...])
///     // every configuration.gossipIntervalMs:
///     perform(gossiper.tick(nowMillis: clock.nowMicros() / 1000))
///     // for every gossip payload from peer p (p: the peer's own `localEndpoint`, i.e. its
///     // internode listen address, not a connection's ephemeral source port):
///     let message = try GossipMessage.decode(bytes, configuration: configuration)
///     perform(gossiper.receive(message, from: p, nowMillis: clock.nowMicros() / 1000))
///     // perform: `.send(m, to)` -> transport.send(m.encode(), to) and forget; every other
///     // action -> ring / coordinator / CQL event listeners.
public struct Gossiper: Sendable {
    /// This node.
    public let localEndpoint: GossipEndpoint
    /// The knobs this gossiper was made with.
    public let configuration: GossipConfiguration
    /// The seed nodes other than this one, sorted.
    public let seeds: [GossipEndpoint]
    /// Everything known about every endpoint, this node included.
    public internal(set) var endpointStates: [GossipEndpoint: EndpointState]
    /// The detector fed by heartbeat progress.
    public internal(set) var failureDetector: PhiAccrualFailureDetector

    /// Every key of `endpointStates`, sorted: the order every walk over endpoints uses.
    var sortedEndpoints: [GossipEndpoint]
    var liveSet: Set<GossipEndpoint> = []
    /// Unreachable endpoints and when they were marked down.
    var downSinceMillis: [GossipEndpoint: Int64] = [:]
    /// When each remote endpoint's state last changed: for evicting silent endpoints.
    var lastHeardMillis: [GossipEndpoint: Int64] = [:]
    /// Removed endpoints and when; their gossip is ignored for `quarantineDelayMs`.
    var quarantinedSinceMillis: [GossipEndpoint: Int64] = [:]
    var lastTickMillis: Int64?
    var lastLocalPauseMillis: Int64?
    /// The last version drawn for the local heartbeat or application states.
    var localVersion: Int64 = 0
    let random: any RandomSource

    /// A gossiper for `localEndpoint` starting a new life.
    ///
    /// - Parameters:
    ///   - generation: the node's start time in seconds since the epoch. It must exceed
    ///     every generation this endpoint used before, or peers keep the old state: the
    ///     shell persists the last one and passes `max(now, last + 1)`.
    ///   - seeds: contact points; this node is dropped from the list if present.
    ///   - applicationStates: initial local states (status, tokens, host id, ...).
    ///   - random: the source of every random choice; the gossiper keeps a reference.
    public init(localEndpoint: GossipEndpoint, generation: Int64, seeds: [GossipEndpoint],
                configuration: GossipConfiguration = GossipConfiguration(), random: any RandomSource,
                applicationStates: [ApplicationStateKey: String] = [:]) {
        precondition(generation >= 0, "generations are seconds since the epoch")
        precondition(localEndpoint.host.utf8.count <= configuration.maxHostBytes, "host longer than maxHostBytes")
        precondition(configuration.clusterName.utf8.count <= configuration.maxClusterNameBytes,
                     "cluster name longer than maxClusterNameBytes")
        self.localEndpoint = localEndpoint
        self.configuration = configuration
        self.seeds = Set(seeds).subtracting([localEndpoint]).sorted()
        self.random = random
        failureDetector = PhiAccrualFailureDetector(configuration: configuration)
        endpointStates = [localEndpoint: EndpointState(heartbeat: HeartbeatState(generation: generation, version: 0))]
        sortedEndpoints = [localEndpoint]
        for (key, value) in applicationStates.sorted(by: { $0.key < $1.key }) {
            setApplicationState(key, value)
        }
    }

    // MARK: - Views

    /// This node's own state.
    public var localState: EndpointState { endpointStates[localEndpoint]! }

    /// Reachable peers (this node excluded), sorted.
    public var liveEndpoints: [GossipEndpoint] { sortedEndpoints.filter { liveSet.contains($0) } }

    /// Known peers currently marked down, sorted.
    public var unreachableEndpoints: [GossipEndpoint] { sortedEndpoints.filter { downSinceMillis[$0] != nil } }

    /// Every known endpoint, this node included, sorted.
    public var knownEndpoints: [GossipEndpoint] { sortedEndpoints }

    /// True for this node and for peers currently marked up; false for unknown endpoints.
    public func isAlive(_ endpoint: GossipEndpoint) -> Bool {
        endpoint == localEndpoint || liveSet.contains(endpoint)
    }

    /// The failure detector's phi for `endpoint` at `nowMillis`; nil before any heartbeat.
    public func phi(_ endpoint: GossipEndpoint, nowMillis: Int64) -> Double? {
        failureDetector.phi(endpoint, nowMillis: nowMillis)
    }

    /// True while gossip about `endpoint` is ignored after its removal.
    public func isQuarantined(_ endpoint: GossipEndpoint) -> Bool {
        quarantinedSinceMillis[endpoint] != nil
    }

    // MARK: - Liveness transitions

    mutating func markUp(_ endpoint: GossipEndpoint, into actions: inout [GossipAction]) {
        guard liveSet.insert(endpoint).inserted else { return }
        downSinceMillis[endpoint] = nil
        actions.append(.markedUp(endpoint))
    }

    mutating func markDown(_ endpoint: GossipEndpoint, nowMillis: Int64, into actions: inout [GossipAction]) {
        guard liveSet.remove(endpoint) != nil else { return }
        downSinceMillis[endpoint] = nowMillis
        actions.append(.markedDown(endpoint))
    }

    /// Drops `endpoint` from every structure and quarantines it.
    mutating func evict(_ endpoint: GossipEndpoint, nowMillis: Int64, into actions: inout [GossipAction]) {
        precondition(endpoint != localEndpoint, "a node never evicts itself")
        endpointStates[endpoint] = nil
        sortedEndpoints.remove(at: insertionIndex(of: endpoint))
        liveSet.remove(endpoint)
        downSinceMillis[endpoint] = nil
        lastHeardMillis[endpoint] = nil
        failureDetector.remove(endpoint)
        quarantinedSinceMillis[endpoint] = nowMillis
        actions.append(.removed(endpoint))
    }

    /// Records a state for an endpoint not known before.
    mutating func addEndpoint(_ endpoint: GossipEndpoint, _ state: EndpointState) {
        precondition(endpointStates[endpoint] == nil, "\(endpoint) is already known")
        endpointStates[endpoint] = state
        sortedEndpoints.insert(endpoint, at: insertionIndex(of: endpoint))
    }

    /// Where `endpoint` is, or would go, in `sortedEndpoints` (binary search).
    func insertionIndex(of endpoint: GossipEndpoint) -> Int {
        var low = 0
        var high = sortedEndpoints.count
        while low < high {
            let middle = (low + high) / 2
            if sortedEndpoints[middle] < endpoint { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A uniformly chosen element of a non-empty array, or nil for an empty one.
    func randomElement(of endpoints: [GossipEndpoint]) -> GossipEndpoint? {
        endpoints.isEmpty ? nil : endpoints[random.next(in: 0..<endpoints.count)]
    }
}
