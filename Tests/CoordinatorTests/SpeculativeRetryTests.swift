import KVCore
import Testing

@testable import Coordinator

/// A read short of its level after the speculative delay asks one more replica instead of
/// waiting for a slow replica's timeout.
@Suite struct SpeculativeRetryTests {
    static let key = Fixtures.storageKey(11)

    /// RF 2 on three nodes, coordinated by the node that is not a replica, with the first
    /// replica it would ask made slow (3 s).
    func slowFirstReplica(speculativeRetry: SpeculativeRetryPolicy) async throws -> (TestCluster, Int, Int) {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], speculativeRetry: speculativeRetry)
        let replication = try Fixtures.simple(2)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        let replicas = cluster.replicaIndices(of: Self.key, replication)
        let coordinator = (0..<3).first { !replicas.contains($0) }!
        // The coordinator asks replicas in ring order after itself; delay the first of them.
        cluster.nodes[coordinator].transport.setDelay(.seconds(3), to: cluster.nodes[replicas[0]].address)
        return (cluster, coordinator, replicas[1])
    }

    @Test func aSlowReplicaIsBypassedAfterTheDelay() async throws {
        let (cluster, coordinator, _) = try await slowFirstReplica(speculativeRetry: .fixed(.milliseconds(20)))
        let result = try await cluster.read(Self.key, at: .one, via: coordinator, try Fixtures.simple(2))
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(cluster.nodes[coordinator].coordinator.speculativeRetryCount == 1)
    }

    @Test func withoutSpeculationTheReadWaitsForTheSlowReplica() async throws {
        let (cluster, coordinator, _) = try await slowFirstReplica(speculativeRetry: .none)
        let result = try await cluster.read(Self.key, at: .one, via: coordinator, try Fixtures.simple(2))
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(cluster.nodes[coordinator].coordinator.speculativeRetryCount == 0)
    }

    @Test func aFastReadDoesNotSpeculate() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], speculativeRetry: .fixed(.seconds(10)))
        let replication = try Fixtures.simple(3)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        _ = try await cluster.read(Self.key, at: .quorum, via: 1, replication)
        #expect(cluster.nodes.map(\.coordinator.speculativeRetryCount) == [0, 0, 0])
    }

    /// Under `99p`, the delay is the tracked p99 of replica round trips: with every recent
    /// round trip 40 ms, a read kept waiting by a slow replica speculates after about 40 ms.
    @Test func aPercentilePolicySpeculatesAfterTheTrackedLatency() async throws {
        let (cluster, coordinator, _) = try await slowFirstReplica(speculativeRetry: .percentile(99))
        let node = cluster.nodes[coordinator].coordinator
        #expect(node.speculativeDelay() == .milliseconds(50), "the default before enough samples")
        for _ in 0..<200 { node.recordReadLatency(startedNanos: 1_000, endedNanos: 1_000 + 40_000_000) }
        #expect(node.speculativeDelay() == .milliseconds(40))

        let started = ContinuousClock.now
        let result = try await cluster.read(Self.key, at: .one, via: coordinator, try Fixtures.simple(2))
        let elapsed = ContinuousClock.now - started
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(node.speculativeRetryCount == 1)
        #expect(elapsed >= .milliseconds(40) && elapsed < .seconds(2), "took \(elapsed)")
    }

    /// Replica round trips are measured with the injected clock: the manual clock of the
    /// test cluster does not move, so every sample is zero and the floor applies.
    @Test func latenciesAreMeasuredWithTheInjectedClock() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"], speculativeRetry: .percentile(99))
        let replication = try Fixtures.simple(3)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        for _ in 0..<40 { _ = try await cluster.read(Self.key, at: .all, via: 0, replication) }
        let window = cluster.nodes[0].coordinator.readLatencies.withLock { $0 }
        #expect(window.sampleCount == 80, "two remote replies per read")
        #expect(cluster.nodes[0].coordinator.speculativeDelay() == .milliseconds(1))
    }
}
