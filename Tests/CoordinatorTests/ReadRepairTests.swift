import KVCore
import Testing

@testable import Coordinator

/// Blocking read repair: a read that finds replicas disagreeing brings the stale ones up to
/// the reconciled data before it answers.
@Suite struct ReadRepairTests {
    static let key = Fixtures.storageKey(7)

    @Test func aQuorumReadRepairsAReplicaThatMissedAWrite() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"])
        let replication = try Fixtures.simple(3)
        let replicas = cluster.replicaIndices(of: Self.key, replication)
        let stale = replicas[0]
        cluster.isolate(stale)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "new", at: 5)])],
                                at: .quorum, via: replicas[1], replication)
        cluster.heal()
        #expect(cluster.nodes[stale].storage.partition(Fixtures.table, Self.key) == nil, "the isolated replica missed it")

        // Coordinated by the stale replica, which asks itself first: the answer must still be
        // the new value, and afterwards the replica holds it.
        let result = try await cluster.read(Self.key, at: .quorum, via: stale, replication)
        #expect(Fixtures.values(result.partitions) == ["new"])
        #expect(cluster.nodes[stale].storage.partition(Fixtures.table, Self.key) != nil)
        #expect(cluster.nodes[stale].coordinator.readRepairCount == 1)

        // Now every replica agrees: a read at ONE on the formerly stale replica sees the write,
        // and a second QUORUM read repairs nothing.
        let one = try await cluster.read(Self.key, at: .one, via: stale, replication)
        #expect(Fixtures.values(one.partitions) == ["new"])
        _ = try await cluster.read(Self.key, at: .quorum, via: stale, replication)
        #expect(cluster.nodes[stale].coordinator.readRepairCount == 1)
    }

    @Test func aRepairedDeletionHidesTheOldValueOnTheStaleReplica() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"])
        let replication = try Fixtures.simple(3)
        let replicas = cluster.replicaIndices(of: Self.key, replication)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "old", at: 1)])], at: .all, replication)
        cluster.isolate(replicas[2])
        try await cluster.write([Fixtures.partition(Self.key, deletion: Fixtures.deletion(at: 2))],
                                at: .quorum, via: replicas[0], replication)
        cluster.heal()
        let result = try await cluster.read(Self.key, at: .all, via: replicas[2], replication)
        #expect(result.partitions.isEmpty)
        let one = try await cluster.read(Self.key, at: .one, via: replicas[2], replication)
        #expect(one.partitions.isEmpty, "the stale replica got the partition deletion")
    }

    @Test func agreeingReplicasAreNotRepaired() async throws {
        let cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"])
        let replication = try Fixtures.simple(3)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1)])], at: .all, replication)
        for via in 0..<3 { _ = try await cluster.read(Self.key, at: .all, via: via, replication) }
        #expect(cluster.nodes.map(\.coordinator.readRepairCount) == [0, 0, 0])
    }
}
