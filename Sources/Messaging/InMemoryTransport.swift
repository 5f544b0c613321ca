import Synchronization

/// A `Transport` whose peers live in the same process, on an `InMemoryNetwork`. Created by
/// `InMemoryNetwork.join(at:)`.
///
/// A request calls the receiver's handler directly in the requester's task, racing the
/// timeout on the network's clock; a one-way message runs the receiver's handler in a task
/// of the receiver's (bounded, cancelled at shutdown). A message or answer lost to a fault
/// makes the request wait out its timeout, as on a real network; a node that is not on the
/// network (never joined, or shut down) is `.unreachable` at once. Thread-safe.
public final class InMemoryTransport: Transport {
    private enum RaceOutcome: Sendable {
        case answered(Reply)
        case noAnswer
        case timedOut
        case cancelled
    }

    /// The address this node joined the network with.
    public let localAddress: NodeAddress
    private let network: InMemoryNetwork
    private let handlers = HandlerRegistry()
    private let inboundTasks: InboundTaskSet
    private let counters = TransportCounters()
    private let isShutDown = Atomic<Bool>(false)

    /// A node at `address` on `network`; `InMemoryNetwork.join(at:)` registers it.
    init(address: NodeAddress, network: InMemoryNetwork) {
        localAddress = address
        self.network = network
        inboundTasks = InboundTaskSet(limit: network.configuration.maxConcurrentInboundMessages)
    }

    /// Loss counters since joining (faults are counted by the network instead).
    public var statistics: TransportStatistics { counters.snapshot }

    /// Installs or removes the handler of `verb`; see `Transport.setHandler(for:_:)`.
    public func setHandler(for verb: Verb, _ handler: MessageHandler?) {
        handlers.set(handler, for: verb)
    }

    /// Hands the message to the receiver's task set (now, or after the delay the network's
    /// filter chose), unless the network loses it or no node is at `destination` (counted as
    /// dropped); see `Transport.send`.
    public func send(_ payload: [UInt8], verb: Verb, to destination: NodeAddress) {
        guard !isShutDown.load(ordering: .acquiring),
            case .deliver(let receiver, let fate) = network.route(from: localAddress, to: destination, verb: verb)
        else {
            counters.droppedOutboundMessages.wrappingAdd(1, ordering: .relaxed)
            return
        }
        let message = InboundMessage(verb: verb, payload: payload, from: localAddress, expectsReply: false)
        guard fate.delay > .zero || fate.copies > 1 else { return receiver.receiveOneWay(message) }
        let clock = network.clock
        Task.preferringInheritedExecutor {
            if fate.delay > .zero { try? await clock.sleep(for: fate.delay) }
            for _ in 0..<fate.copies { receiver.receiveOneWay(message) }
        }
    }

    /// Calls the receiver's handler in this task, racing `timeout` on the network's clock;
    /// see `Transport.request`.
    public func request(
        _ payload: [UInt8], verb: Verb, to destination: NodeAddress, timeout: Duration?
    ) async throws(MessagingError) -> [UInt8] {
        guard !isShutDown.load(ordering: .acquiring) else { throw .closed }
        let maxBytes = network.configuration.maxPayloadSizeBytes(hostLengthBytes: localAddress.host.utf8.count)
        guard payload.count <= maxBytes else { throw .payloadTooLarge(sizeBytes: payload.count, maxBytes: maxBytes) }
        let timeout = timeout ?? network.configuration.timeout(for: verb)
        let receiver: (InMemoryTransport, MessageFate)?
        switch network.route(from: localAddress, to: destination, verb: verb) {
        case .unreachable: throw .unreachable(destination, reason: "no node at this address on the network")
        case .lost: receiver = nil
        case .deliver(let destination, let fate): receiver = (destination, fate)
        }
        let message = InboundMessage(verb: verb, payload: payload, from: localAddress, expectsReply: true)
        switch await race(message, to: receiver, timeout: timeout) {
        case .answered(.success(let bytes)): return bytes
        case .answered(.failure(let reason)): throw .remoteError(reason)
        case .noAnswer, .timedOut: throw .timeout(verb: verb, peer: destination, after: timeout)
        case .cancelled: throw .cancelled
        }
    }

    /// Leaves the network (later requests to this node are unreachable), cancels running
    /// one-way handlers and forgets handlers. Requests this node is waiting on are not
    /// interrupted; they end by answer or timeout.
    public func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        network.leave(localAddress)
        inboundTasks.closeAndCancelAll()
        handlers.removeAll()
    }

    // MARK: Delivery

    /// Runs the handler of a one-way message in a task of this node's.
    private func receiveOneWay(_ message: InboundMessage) {
        guard let handler = handlers.handler(for: message.verb),
            inboundTasks.start({ _ = await handler(message) })
        else {
            counters.droppedInboundMessages.wrappingAdd(1, ordering: .relaxed)
            return
        }
    }

    /// This node's answer to `message`, or nil when it gives none or has shut down meanwhile.
    private func answer(_ message: InboundMessage) async -> Reply? {
        guard let handler = handlers.handler(for: message.verb) else {
            counters.droppedInboundMessages.wrappingAdd(1, ordering: .relaxed)
            return .failure("no handler for verb \(message.verb)")
        }
        let reply = await handler(message)
        return isShutDown.load(ordering: .acquiring) ? nil : reply
    }

    /// The receiver's answer raced against `timeout`; a nil receiver means the request was lost.
    private func race(_ message: InboundMessage, to receiver: (InMemoryTransport, MessageFate)?,
                      timeout: Duration) async -> RaceOutcome {
        let clock = network.clock
        return await withTaskGroup(of: RaceOutcome.self) { group in
            if let (receiver, fate) = receiver {
                group.addTask { await self.deliverRequest(message, to: receiver, fate: fate) }
                // Duplicates run the handler again; their answers go nowhere.
                for _ in 1..<max(1, fate.copies) {
                    Task.preferringInheritedExecutor {
                        try? await clock.sleep(for: fate.delay)
                        _ = await receiver.answer(message)
                    }
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .cancelled
                }
            }
            while let outcome = await group.next() {
                if case .noAnswer = outcome { continue }  // wait for the timeout
                group.cancelAll()
                return outcome
            }
            return .timedOut
        }
    }

    /// The request delivered after the fate's delay, and the answer back after its own.
    private func deliverRequest(_ message: InboundMessage, to receiver: InMemoryTransport,
                                fate: MessageFate) async -> RaceOutcome {
        let clock = network.clock
        do {
            if fate.delay > .zero { try await clock.sleep(for: fate.delay) }
        } catch {
            return .cancelled
        }
        guard let reply = await receiver.answer(message) else { return .noAnswer }
        let answerFate = network.answerFate(from: receiver.localAddress, to: localAddress, verb: message.verb)
        guard !answerFate.isLost else { return .noAnswer }
        do {
            if answerFate.delay > .zero { try await clock.sleep(for: answerFate.delay) }
        } catch {
            return .cancelled
        }
        return .answered(reply)
    }
}
