import KVCore
import Messaging
import Synchronization
import Testing

@testable import Coordinator

/// A replica's applied mutations, in order, with a switch to make it fail.
final class AppliedMutations: Sendable {
    private let state = Mutex<(applied: [Mutation], failing: Bool)>(([], false))
    var all: [Mutation] { state.withLock { $0.applied } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }
    func apply(_ mutation: Mutation) throws {
        try state.withLock { state in
            if state.failing { throw DeliveryRefused() }
            state.applied.append(mutation)
        }
    }
}

/// Hosts the test switches up and down.
final class LiveHosts: Sendable {
    private let hosts = Mutex<Set<HostID>>([])
    func set(_ host: HostID, alive: Bool) { _ = hosts.withLock { alive ? $0.insert(host).inserted : $0.remove(host) != nil } }
    func isAlive(_ host: HostID) -> Bool { hosts.withLock { $0.contains(host) } }
}

@Suite struct HintDispatcherTests {
    typealias F = HintFixtures

    struct Setup {
        let store: HintStore
        let dispatcher: HintDispatcher
        let live: LiveHosts
        let replicaA = AppliedMutations()
        let replicaB = AppliedMutations()
    }

    static func address(_ host: HostID) -> NodeAddress? {
        switch host {
        case F.hostA: NodeAddress(host: "10.0.0.1", port: 7000)
        case F.hostB: NodeAddress(host: "10.0.0.2", port: 7000)
        default: nil
        }
    }

    func makeSetup(passInterval: Duration = .seconds(1), throttle: Duration = .zero) throws -> Setup {
        let network = InMemoryNetwork()
        let coordinator = try network.join(at: NodeAddress(host: "10.0.0.9", port: 7000))
        let store = try F.open(SimulatedFileSystem())
        let live = LiveHosts()
        let dispatcher = HintDispatcher(store: store, transport: coordinator, isAlive: { live.isAlive($0) },
                                        address: { Self.address($0) }, throttle: throttle, passInterval: passInterval)
        let setup = Setup(store: store, dispatcher: dispatcher, live: live)
        for (host, replica) in [(F.hostA, setup.replicaA), (F.hostB, setup.replicaB)] {
            let transport = try network.join(at: Self.address(host)!)
            HintDispatcher.installReceiver(on: transport) { try replica.apply($0) }
        }
        return setup
    }

    @Test func deliversOnlyToLiveHosts() async throws {
        let setup = try makeSetup()
        for number in 0..<4 { try setup.store.store(F.mutation(number), for: F.hostA) }
        for number in 4..<6 { try setup.store.store(F.mutation(number), for: F.hostB) }
        setup.live.set(F.hostA, alive: true)

        await setup.dispatcher.dispatchOnce()
        #expect(setup.replicaA.all == (0..<4).map(F.mutation))
        #expect(setup.replicaB.all.isEmpty)
        #expect(setup.store.pending(for: F.hostA) == 0 && setup.store.pending(for: F.hostB) == 2)

        setup.live.set(F.hostB, alive: true)
        await setup.dispatcher.dispatchOnce()
        #expect(setup.replicaB.all == (4..<6).map(F.mutation))
        #expect(setup.store.hostsWithHints.isEmpty)
    }

    @Test func aFailingReceiverKeepsTheHints() async throws {
        let setup = try makeSetup()
        for number in 0..<3 { try setup.store.store(F.mutation(number), for: F.hostA) }
        setup.live.set(F.hostA, alive: true)
        setup.replicaA.setFailing(true)

        let outcomes = await setup.dispatcher.dispatchOnce()
        guard case .failure(.deliveryFailed(F.hostA, _, _)) = outcomes[F.hostA] else {
            Issue.record("expected a delivery failure, got \(String(describing: outcomes[F.hostA]))")
            return
        }
        #expect(setup.store.pending(for: F.hostA) == 3)

        setup.replicaA.setFailing(false)
        await setup.dispatcher.dispatchOnce()
        #expect(setup.replicaA.all == (0..<3).map(F.mutation))
    }

    @Test func runReplaysUntilCancelled() async throws {
        let setup = try makeSetup(passInterval: .milliseconds(10))
        try setup.store.store(F.mutation(1), for: F.hostA)
        setup.live.set(F.hostA, alive: true)
        let running = Task { await setup.dispatcher.run() }
        #expect(await eventually { setup.replicaA.all == [F.mutation(1)] })
        try setup.store.store(F.mutation(2), for: F.hostA)
        #expect(await eventually { setup.replicaA.all == [1, 2].map(F.mutation) })
        running.cancel()
        await running.value
    }

    @Test func throttlePausesBetweenHints() async throws {
        let setup = try makeSetup(throttle: .milliseconds(20))
        for number in 0..<3 { try setup.store.store(F.mutation(number), for: F.hostA) }
        setup.live.set(F.hostA, alive: true)
        let elapsed = await ContinuousClock().measure { await setup.dispatcher.dispatchOnce() }
        #expect(elapsed >= .milliseconds(40))
        #expect(setup.replicaA.all == (0..<3).map(F.mutation))
    }

    @Test func hostsWithoutAnAddressAreSkipped() async throws {
        let setup = try makeSetup()
        let unknown = HostID(high: 0xC, low: 3)
        try setup.store.store(F.mutation(0), for: unknown)
        setup.live.set(unknown, alive: true)
        let outcomes = await setup.dispatcher.dispatchOnce()
        #expect(outcomes.isEmpty)
        #expect(setup.store.pending(for: unknown) == 1)
    }

    @Test func receiverAnswersAGarbledPayloadWithAFailure() async throws {
        let network = InMemoryNetwork()
        let sender = try network.join(at: NodeAddress(host: "10.0.0.9", port: 7000))
        let receiver = try network.join(at: NodeAddress(host: "10.0.0.1", port: 7000))
        HintDispatcher.installReceiver(on: receiver) { _ in Issue.record("nothing to apply") }
        await #expect(throws: MessagingError.self) {
            _ = try await sender.request([9, 9, 9], verb: .hint, to: receiver.localAddress)
        }
    }
}
