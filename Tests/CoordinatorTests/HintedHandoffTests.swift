import KVCore
import Testing

@testable import Coordinator

/// The coordinator leaves hints for replicas that miss a write, and replaying them brings a
/// returning replica up to date without any read.
@Suite struct HintedHandoffTests {
    static let key = Fixtures.storageKey(3)

    @Test func aDeadReplicaGetsTheWriteThroughItsHint() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], hintFileSystem: SimulatedFileSystem())
        let replication = try Fixtures.simple(3)
        let replicas = cluster.replicaIndices(of: Self.key, replication)
        let (dead, coordinator) = (replicas[2], replicas[0])
        cluster.markDead(dead)
        cluster.isolate(dead)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "missed", at: 5)])],
                                at: .quorum, via: coordinator, replication)
        let hints = try #require(cluster.nodes[coordinator].hints)
        #expect(hints.pending(for: cluster.nodes[dead].id) == 1)
        #expect(cluster.nodes[dead].storage.partition(Fixtures.table, Self.key) == nil)

        cluster.heal()
        cluster.markDead(dead, false)
        for node in cluster.nodes {
            HintDispatcher.installReceiver(on: node.transport) { try node.storage.apply($0) }
        }
        let dispatcher = HintDispatcher(store: hints, transport: cluster.nodes[coordinator].transport,
                                        isAlive: { _ in true }, address: { id in cluster.nodes.first { $0.id == id }?.address },
                                        throttle: .zero)
        await dispatcher.dispatchOnce()
        #expect(hints.pending(for: cluster.nodes[dead].id) == 0)
        let one = try await cluster.read(Self.key, at: .one, via: dead, replication)
        #expect(Fixtures.values(one.partitions) == ["missed"])
    }

    /// A replica that refuses a write (here a failing disk; on a real node also one still
    /// starting, without handlers yet) gets a hint too, so it catches up when it replays.
    @Test func aReplicaThatRefusesTheWriteGetsAHint() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], hintFileSystem: SimulatedFileSystem())
        let replication = try Fixtures.simple(3)
        let replicas = cluster.replicaIndices(of: Self.key, replication)
        let (refusing, coordinator) = (replicas[2], replicas[0])
        cluster.nodes[refusing].storage.setFailing(writes: true, reads: false)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "refused", at: 5)])],
                                at: .quorum, via: coordinator, replication)
        let hints = try #require(cluster.nodes[coordinator].hints)
        let refusingID = cluster.nodes[refusing].id
        #expect(await eventually { hints.pending(for: refusingID) == 1 })
        #expect(hints.pending(for: cluster.nodes[replicas[1]].id) == 0)
    }

    @Test func anyIsMetByHintsAloneWhenNoReplicaIsAlive() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], hintFileSystem: SimulatedFileSystem())
        let replication = try Fixtures.simple(1)
        let owner = cluster.replicaIndices(of: Self.key, replication)[0]
        let coordinator = (owner + 1) % 3
        cluster.markDead(owner)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1)])],
                                at: .any, via: coordinator, replication)
        #expect(cluster.nodes[coordinator].hints?.pending(for: cluster.nodes[owner].id) == 1)
        await #expect(throws: CoordinatorError.self) {
            try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "b", at: 2)])],
                                    at: .one, via: coordinator, replication)
        }
    }
}
