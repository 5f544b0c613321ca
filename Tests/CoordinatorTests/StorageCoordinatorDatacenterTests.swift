import KVCore
import Testing

@testable import Coordinator

/// Two datacenters of three nodes (0-2 in dc1, 3-5 in dc2), every node a replica of every
/// partition (NetworkTopologyStrategy, 3 per datacenter).
@Suite struct StorageCoordinatorDatacenterTests {
    static let key = Fixtures.storageKey(1)
    static let update = Fixtures.partition(key, rows: [Fixtures.row([1], "v", at: 1)])

    static func cluster() throws -> (TestCluster, KeyspaceReplication) {
        (try TestCluster(datacenters: ["dc1", "dc1", "dc1", "dc2", "dc2", "dc2"], seed: 5),
         try Fixtures.topology(["dc1": 3, "dc2": 3]))
    }

    @Test func localLevelsReadOnlyTheLocalDatacenter() async throws {
        let (cluster, replication) = try Self.cluster()
        try await cluster.write([Self.update], at: .all, replication)
        cluster.isolate(3)
        cluster.isolate(4)
        cluster.isolate(5)
        #expect(Fixtures.values(try await cluster.read(Self.key, at: .localQuorum, via: 1, replication).partitions) == ["v"])
        #expect(Fixtures.values(try await cluster.read(Self.key, at: .localOne, via: 4, replication).partitions) == ["v"])
        #expect(cluster.nodes[3...].map(\.storage.readCount) == [0, 1, 0])
        #expect(await coordinatorError { _ = try await cluster.read(Self.key, at: .localQuorum, via: 4, replication) }
            == .readTimeout(.localQuorum, received: 1, blockFor: 2, dataPresent: true))
    }

    @Test func localQuorumWritesSucceedWithTheOtherDatacenterUnreachable() async throws {
        let (cluster, replication) = try Self.cluster()
        cluster.isolate(3)
        cluster.isolate(4)
        cluster.isolate(5)
        try await cluster.write([Self.update], at: .localQuorum, via: 0, replication)
        try await cluster.write([Self.update], at: .localOne, via: 2, replication)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .quorum, via: 0, replication) }
            == .writeTimeout(.quorum, received: 3, blockFor: 4))
    }

    @Test func quorumCountsBothDatacenters() async throws {
        let (cluster, replication) = try Self.cluster()
        cluster.markDead(0)
        cluster.markDead(1)
        cluster.markDead(3)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .quorum, via: 2, replication) }
            == .unavailable(.quorum, required: 4, alive: 3))
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .localQuorum, via: 2, replication) }
            == .unavailable(.localQuorum, required: 2, alive: 1))
        try await cluster.write([Self.update], at: .localQuorum, via: 4, replication)
    }

    @Test func eachQuorumIsUnavailableWithoutAQuorumInEveryDatacenter() async throws {
        let (cluster, replication) = try Self.cluster()
        cluster.markDead(4)
        cluster.markDead(5)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .eachQuorum, via: 0, replication) }
            == .unavailable(.eachQuorum, required: 2, alive: 1))
        #expect(cluster.nodes.allSatisfy { $0.storage.appliedCount == 0 })
    }

    /// DESIGN §6: a write goes to every live replica whatever the level; LOCAL_* levels only
    /// count the local datacenter's acknowledgements.
    @Test(arguments: [ConsistencyLevel.localOne, .localQuorum])
    func aLocalLevelWriteReachesEveryDatacenter(level: ConsistencyLevel) async throws {
        let (cluster, replication) = try Self.cluster()
        try await cluster.write([Self.update], at: level, via: 4, replication)
        #expect(await eventually() {
            cluster.nodes.allSatisfy { $0.storage.partition(Fixtures.table, Self.key) != nil }
        })
    }

    /// EACH_QUORUM must hear from a quorum in every datacenter. `write` counts acknowledgements
    /// over all datacenters against the summed blockFor (4), so three answers from dc1 and one
    /// from dc2 satisfy it; reads likewise take the 4 nearest candidates (3 of dc1, 1 of dc2).
    @Test
    func eachQuorumWaitsForAQuorumInEveryDatacenter() async throws {
        let (cluster, replication) = try Self.cluster()
        cluster.isolate(4)
        cluster.isolate(5)
        let error = await coordinatorError { try await cluster.write([Self.update], at: .eachQuorum, via: 0, replication) }
        guard case .writeTimeout? = error else {
            Issue.record("dc2 acknowledged once only, yet the write gave \(String(describing: error))")
            return
        }
    }
}
