import KVCore
import Testing

@testable import Coordinator

/// Digest reads end to end: one replica sends data, the others digests; a mismatch leads to
/// full reads, reconciliation and repair; a failed data replica is replaced by a data read.
@Suite struct DigestReadTests {
    static let key = Fixtures.storageKey(21)

    func cluster(nodes: Int = 3) async throws -> (TestCluster, KeyspaceReplication, [Int]) {
        let cluster = try TestCluster(datacenters: Array(repeating: "dc1", count: nodes))
        let replication = try Fixtures.simple(3)
        return (cluster, replication, cluster.replicaIndices(of: Self.key, replication))
    }

    @Test func agreeingDigestsAnswerFromTheOneDataResponse() async throws {
        let (cluster, replication, replicas) = try await cluster(nodes: 4)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        let coordinator = (0..<4).first { !replicas.contains($0) }!
        let result = try await cluster.read(Self.key, at: .all, via: coordinator, replication)
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(cluster.nodes[coordinator].transport.readReplies == (data: 1, digest: 2))
        #expect(cluster.nodes[coordinator].coordinator.digestMismatchCount == 0)
        #expect(cluster.nodes[coordinator].coordinator.readRepairCount == 0)

        // A replica coordinating reads its own data and asks the other for a digest.
        _ = try await cluster.read(Self.key, at: .quorum, via: replicas[0], replication)
        #expect(cluster.nodes[replicas[0]].transport.readReplies == (data: 0, digest: 1))
    }

    @Test func aStaleDigestReplicaIsAMismatchAndIsRepaired() async throws {
        let (cluster, replication, replicas) = try await cluster()
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "old", at: 1)])], at: .all, replication)
        let stale = replicas[2]
        cluster.isolate(stale)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "new", at: 5)])],
                                at: .quorum, via: replicas[0], replication)
        cluster.heal()

        // Coordinated by a fresh replica: its own data, digests from the others.
        let coordinator = cluster.nodes[replicas[0]]
        let result = try await cluster.read(Self.key, at: .all, via: replicas[0], replication)
        #expect(Fixtures.values(result.partitions) == ["new"])
        #expect(coordinator.coordinator.digestMismatchCount == 1)
        #expect(coordinator.coordinator.readRepairCount == 1)
        let repaired = cluster.nodes[stale].storage.partition(Fixtures.table, Self.key)
        #expect(repaired.map { Fixtures.values([$0]) } == ["new"])
        // The full read asked every replica for data after the digest round.
        #expect(coordinator.transport.readReplies.data == 2)

        _ = try await cluster.read(Self.key, at: .all, via: replicas[0], replication)
        #expect(coordinator.coordinator.digestMismatchCount == 1, "the replicas agree now")
    }

    /// The coordinator is a replica whose own (data) read fails: the next replica is asked
    /// for data instead, and the read still meets QUORUM.
    @Test func aFailedLocalDataReadIsReplacedByAnotherReplica() async throws {
        let (cluster, replication, replicas) = try await cluster()
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        cluster.nodes[replicas[0]].storage.setFailing(writes: false, reads: true)
        let result = try await cluster.read(Self.key, at: .quorum, via: replicas[0], replication)
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(cluster.nodes[replicas[0]].transport.readReplies == (data: 1, digest: 1))
        #expect(cluster.nodes[replicas[0]].coordinator.digestMismatchCount == 0)
    }

    /// A remote data replica answers with an error: another replica is promoted to data.
    @Test func aFailedRemoteDataReplicaIsReplaced() async throws {
        let (cluster, replication, replicas) = try await cluster(nodes: 4)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "v", at: 1)])], at: .all, replication)
        let coordinator = (0..<4).first { !replicas.contains($0) }!
        let view = ClusterView(ring: cluster.ring, addresses: [:], alive: Set(cluster.nodes.map(\.id)),
                               localHost: cluster.nodes[coordinator].id, localDatacenter: "dc1")
        let selection = try ReplicaSelection(replicas: replicas.map { cluster.nodes[$0].id }, consistency: .quorum, view: view,
                                             replication: replication)
        let dataReplica = cluster.index(of: selection.initialReadTargets[0])
        cluster.nodes[dataReplica].storage.setFailing(writes: false, reads: true)
        let result = try await cluster.read(Self.key, at: .quorum, via: coordinator, replication)
        #expect(Fixtures.values(result.partitions) == ["v"])
        #expect(cluster.nodes[coordinator].transport.readReplies == (data: 1, digest: 1))
    }

    /// When too few replicas can answer, the read fails as before: a failure naming the
    /// storage error.
    @Test func tooManyFailuresFailTheRead() async throws {
        let (cluster, replication, replicas) = try await cluster()
        for index in replicas.prefix(2) { cluster.nodes[index].storage.setFailing(writes: false, reads: true) }
        let error = await coordinatorError { _ = try await cluster.read(Self.key, at: .quorum, via: replicas[2], replication) }
        guard case .readFailure(_, let received, let blockFor, let failures, _)? = error else {
            Issue.record("expected a read failure, got \(String(describing: error))")
            return
        }
        #expect(received == 1 && blockFor == 2 && failures == 2)
    }
}
