import Synchronization

/// A network inside one process for tests and the simulator: nodes join it with an address
/// and get an `InMemoryTransport`; messages are async calls between them. Faults are
/// injected with `NetworkFaults` (drop to/from a node, partitions, one-way blocks) and with
/// an optional per-message filter that decides each message's fate (the simulator's seeded
/// loss, delay, reordering and duplication).
///
/// Timeouts of lost requests are waited out on `clock`, so a simulator can supply a virtual
/// clock. Thread-safe. Holds each joined transport until that transport shuts down.
public final class InMemoryNetwork: Sendable {
    /// Decides the fate of each message and each answer. Called for every one, concurrently,
    /// after `NetworkFaults` let it pass.
    public typealias MessageFilter = @Sendable (_ from: NodeAddress, _ to: NodeAddress, _ verb: Verb) -> MessageFate

    private struct State {
        var nodes: [NodeAddress: InMemoryTransport] = [:]
        var faults = NetworkFaults()
        var filter: MessageFilter?
    }

    /// Where a message goes.
    enum Route {
        /// To this live node, as `fate` says (never lost).
        case deliver(InMemoryTransport, MessageFate)
        /// Nowhere: a fault or the filter loses it (already counted).
        case lost
        /// Nowhere: no live node has the address.
        case unreachable
    }

    private let state = Mutex(State())
    private let lostMessages = Atomic<Int>(0)
    /// Limits and per-verb timeouts that every joined transport uses.
    public let configuration: MessagingConfiguration
    /// Measures request timeouts.
    let clock: any _Concurrency.Clock<Duration>

    /// An empty network whose transports use `configuration` and wait on `clock`.
    public init(
        configuration: MessagingConfiguration = MessagingConfiguration(),
        clock: any _Concurrency.Clock<Duration> = ContinuousClock()
    ) {
        self.configuration = configuration
        self.clock = clock
    }

    /// A transport for a node at `address`. Throws `.bindFailed` if a live node has it.
    public func join(at address: NodeAddress) throws(MessagingError) -> InMemoryTransport {
        let transport = InMemoryTransport(address: address, network: self)
        let added = state.withLock { state in
            guard state.nodes[address] == nil else { return false }
            state.nodes[address] = transport
            return true
        }
        guard added else { throw .bindFailed(address, reason: "address already in use on this network") }
        return transport
    }

    /// Messages and answers lost to faults and the filter so far.
    public var lostMessageCount: Int { lostMessages.load(ordering: .relaxed) }

    /// The current faults.
    public var faults: NetworkFaults { state.withLock { $0.faults } }

    /// Changes the faults; applies to messages sent afterwards.
    public func updateFaults(_ change: (inout NetworkFaults) -> Void) {
        state.withLock { change(&$0.faults) }
    }

    /// Installs (or with nil removes) the per-message filter.
    public func setFilter(_ filter: MessageFilter?) {
        state.withLock { $0.filter = filter }
    }

    /// Where a message of `verb` from `from` to `to` goes now; counts losses.
    func route(from: NodeAddress, to: NodeAddress, verb: Verb) -> Route {
        let (destination, faults, filter) = state.withLock { ($0.nodes[to], $0.faults, $0.filter) }
        guard let destination else { return .unreachable }
        let fate = faults.allows(from: from, to: to) ? filter?(from, to, verb) ?? .deliver : .lost
        guard !fate.isLost else {
            lostMessages.wrappingAdd(1, ordering: .relaxed)
            return .lost
        }
        return .deliver(destination, fate)
    }

    /// The fate of an answer from `from` to `to` sent now: `.lost` also when the requester
    /// has left the network. Counts losses.
    func answerFate(from: NodeAddress, to: NodeAddress, verb: Verb) -> MessageFate {
        guard case .deliver(_, let fate) = route(from: from, to: to, verb: verb) else { return .lost }
        return fate
    }

    /// Removes the node at `address` (it shut down); later messages to it are unreachable.
    func leave(_ address: NodeAddress) {
        _ = state.withLock { $0.nodes.removeValue(forKey: address) }
    }
}
