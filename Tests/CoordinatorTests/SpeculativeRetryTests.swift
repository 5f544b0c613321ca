import KVCore
import Testing

@testable import Coordinator

/// A read short of its level after the speculative delay asks one more replica instead of
/// waiting for a slow replica's timeout.
@Suite struct SpeculativeRetryTests {
    static let key = Fixtures.storageKey(11)

    /// RF 2 on three nodes, coordinated by the node that is not a replica, with the first
    /// replica it would ask made slow (3 s).
    func slowFirstReplica(speculativeRetryDelay: Duration?) async throws -> (TestCluster, Int, Int) {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], speculativeRetryDelay: speculativeRetryDelay)
        let replication = try Fixtures.simple(2)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        let replicas = cluster.replicaIndices(of: Self.key, replication)
        let coordinator = (0..<3).first { !replicas.contains($0) }!
        // The coordinator asks replicas in ring order after itself; delay the first of them.
        cluster.nodes[coordinator].transport.setDelay(.seconds(3), to: cluster.nodes[replicas[0]].address)
        return (cluster, coordinator, replicas[1])
    }

    @Test func aSlowReplicaIsBypassedAfterTheDelay() async throws {
        let (cluster, coordinator, _) = try await slowFirstReplica(speculativeRetryDelay: .milliseconds(20))
        let result = try await cluster.read(Self.key, at: .one, via: coordinator, try Fixtures.simple(2))
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(cluster.nodes[coordinator].coordinator.speculativeRetryCount == 1)
    }

    @Test func withoutSpeculationTheReadWaitsForTheSlowReplica() async throws {
        let (cluster, coordinator, _) = try await slowFirstReplica(speculativeRetryDelay: nil)
        let result = try await cluster.read(Self.key, at: .one, via: coordinator, try Fixtures.simple(2))
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(cluster.nodes[coordinator].coordinator.speculativeRetryCount == 0)
    }

    @Test func aFastReadDoesNotSpeculate() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], speculativeRetryDelay: .seconds(10))
        let replication = try Fixtures.simple(3)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        _ = try await cluster.read(Self.key, at: .quorum, via: 1, replication)
        #expect(cluster.nodes.map(\.coordinator.speculativeRetryCount) == [0, 0, 0])
    }
}
