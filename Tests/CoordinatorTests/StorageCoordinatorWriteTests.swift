import KVCore
import Messaging
import Testing

@testable import Coordinator

@Suite struct StorageCoordinatorWriteTests {
    static let key = Fixtures.storageKey(1)
    static let update = Fixtures.partition(key, rows: [Fixtures.row([1], "v", at: 100)])

    static func threeNodes() throws -> TestCluster { try TestCluster(datacenters: ["dc1", "dc1", "dc1"]) }

    @Test(arguments: [ConsistencyLevel.any, .one, .two, .three, .quorum, .all])
    func aWriteReachesEveryLiveReplica(level: ConsistencyLevel) async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        for via in 0..<3 {
            let update = Fixtures.partition(Fixtures.storageKey(via), rows: [Fixtures.row([1], "v\(via)", at: 100)])
            try await cluster.write([update], at: level, via: via, replication)
            #expect(await eventually {
                cluster.nodes.allSatisfy { $0.storage.partition(Fixtures.table, update.partitionKey) == update }
            }, "coordinator \(via)")
        }
    }

    @Test func aCoordinatorThatIsNoReplicaWritesOnlyToTheReplicas() async throws {
        let cluster = try TestCluster(datacenters: Array(repeating: "dc1", count: 5))
        let replication = try Fixtures.simple(2)
        for number in 0..<20 {
            let key = Fixtures.storageKey(number)
            let replicas = Set(cluster.replicaIndices(of: key, replication))
            #expect(replicas.count == 2)
            let coordinator = (0..<5).first { !replicas.contains($0) }!
            try await cluster.write([Fixtures.partition(key, rows: [Fixtures.row([], "x", at: 1)])], at: .all,
                                    via: coordinator, replication)
            for index in 0..<5 {
                #expect((cluster.nodes[index].storage.partition(Fixtures.table, key) != nil) == replicas.contains(index))
            }
        }
    }

    @Test func tooFewLiveReplicasInTheViewIsUnavailableAndSendsNothing() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        cluster.markDead(2)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .all, replication) }
            == .unavailable(.all, required: 3, alive: 2))
        cluster.markDead(1)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .quorum, replication) }
            == .unavailable(.quorum, required: 2, alive: 1))
        #expect(cluster.nodes.allSatisfy { $0.storage.appliedCount == 0 })
    }

    @Test func aBatchIsRefusedWholeWhenOnePartitionIsUnavailable() async throws {
        let cluster = try TestCluster(datacenters: Array(repeating: "dc1", count: 5))
        let replication = try Fixtures.simple(1)
        let keys = (0..<30).map(Fixtures.storageKey)
        let deadOwner = cluster.replicaIndices(of: keys[0], replication)[0]
        cluster.markDead(deadOwner)
        let updates = keys.map { Fixtures.partition($0, rows: [Fixtures.row([], "x", at: 1)]) }
        #expect(await coordinatorError { try await cluster.write(updates, at: .one, via: (deadOwner + 1) % 5, replication) }
            == .unavailable(.one, required: 1, alive: 0))
        #expect(cluster.nodes.allSatisfy { $0.storage.appliedCount == 0 })

        cluster.markDead(deadOwner, false)
        try await cluster.write(updates, at: .one, replication)
        for key in keys {
            let owner = cluster.replicaIndices(of: key, replication)[0]
            #expect(cluster.nodes[owner].storage.partition(Fixtures.table, key) != nil)
        }
    }

    @Test func aReplicaDeadInTheViewIsSkippedAndQuorumStillSucceeds() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        cluster.markDead(2)
        try await cluster.write([Self.update], at: .quorum, replication)
        #expect(cluster.nodes[0].storage.partition(Fixtures.table, Self.key) == Self.update)
        #expect(await eventually { cluster.nodes[1].storage.partition(Fixtures.table, Self.key) == Self.update })
        #expect(cluster.nodes[2].storage.appliedCount == 0, "no mutation is sent to a replica the view holds dead")
    }

    @Test func anUnreachableReplicaStillAliveInTheViewTimesOutAllButNotQuorum() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        cluster.isolate(2)
        try await cluster.write([Self.update], at: .quorum, replication)
        try await cluster.write([Self.update], at: .one, via: 1, replication)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .all, replication) }
            == .writeTimeout(.all, received: 2, blockFor: 3))
        // The isolated node coordinating: its own replica answers, nobody else does.
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .quorum, via: 2, replication) }
            == .writeTimeout(.quorum, received: 1, blockFor: 2))
        #expect(cluster.nodes[2].storage.appliedCount == 1)
        #expect(cluster.nodes[0].storage.appliedCount == 3)
    }

    @Test func aReplicaWhoseStorageFailsGivesWriteFailure() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        cluster.nodes[2].storage.setFailing(writes: true, reads: false)
        try await cluster.write([Self.update], at: .quorum, replication)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .all, replication) }
            == .writeFailure(.all, received: 2, blockFor: 3, failures: 1, reason: "injected storage failure"))
        // The coordinator's own replica failing counts the same.
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .all, via: 2, replication) }
            == .writeFailure(.all, received: 2, blockFor: 3, failures: 1, reason: "injected storage failure"))
        cluster.nodes[1].storage.setFailing(writes: true, reads: false)
        #expect(await coordinatorError { try await cluster.write([Self.update], at: .quorum, replication) }
            == .writeFailure(.quorum, received: 1, blockFor: 2, failures: 2, reason: "injected storage failure"))
    }

    @Test func aReplicaWithoutTheMutationHandlerGivesWriteFailure() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        cluster.nodes[1].transport.setHandler(for: .mutation, nil)
        let error = await coordinatorError { try await cluster.write([Self.update], at: .all, replication) }
        guard case let .writeFailure(level, received, blockFor, failures, reason)? = error else {
            Issue.record("expected a write failure, got \(String(describing: error))")
            return
        }
        #expect(level == .all && received == 2 && blockFor == 3 && failures == 1)
        #expect(reason.contains("no handler"))
    }

    /// DESIGN §6: the mutation goes to every live replica; the level only says how many
    /// acknowledgements to wait for. Once ONE is met the coordinator cancels the other
    /// requests, and a transport that has not sent a request yet (NIOTransport drops a
    /// queued request whose task is cancelled, as `DelayingTransport` does here) never
    /// delivers it: the slow replica misses the write, with no hint to repair it.
    @Test
    func aSlowReplicaStillGetsAWriteAcknowledgedAtOne() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        cluster.nodes[0].transport.setDelay(.milliseconds(100), to: cluster.nodes[2].address)
        try await cluster.write([Self.update], at: .one, replication)
        #expect(await eventually() { cluster.nodes[2].storage.partition(Fixtures.table, Self.key) != nil })
    }

    @Test func nextTimestampStrictlyIncreasesWhateverTheClockDoes() throws {
        let cluster = try Self.threeNodes()
        let coordinator = cluster.nodes[0].coordinator
        let start = cluster.clock.nowMicros()
        var previous = coordinator.nextTimestamp()
        #expect(previous == start)
        for _ in 0..<1000 {
            let next = coordinator.nextTimestamp()
            #expect(next == previous + 1)
            previous = next
        }
        cluster.clock.jumpWallClock(micros: -5_000_000)
        let afterJumpBack = coordinator.nextTimestamp()
        #expect(afterJumpBack == previous + 1)
        cluster.clock.jumpWallClock(micros: 10_000_000)
        #expect(coordinator.nextTimestamp() == cluster.clock.nowMicros())
        // Another node's coordinator has its own sequence.
        #expect(cluster.nodes[1].coordinator.nextTimestamp() == cluster.clock.nowMicros())
    }

    @Test func nextTimestampIsUniqueAcrossConcurrentCallers() async throws {
        let cluster = try Self.threeNodes()
        let coordinator = cluster.nodes[0].coordinator
        let stamps = await withTaskGroup(of: [Int64].self) { group in
            for _ in 0..<4 { group.addTask { (0..<500).map { _ in coordinator.nextTimestamp() } } }
            var all: [Int64] = []
            for await part in group {
                #expect(part == part.sorted() && Set(part).count == part.count)
                all += part
            }
            return all
        }
        #expect(Set(stamps).count == 2000)
    }

    // MARK: Truncate

    @Test func truncateEmptiesTheTableOnEveryNode() async throws {
        let cluster = try TestCluster(datacenters: Array(repeating: "dc1", count: 4))
        let replication = try Fixtures.simple(2)
        let updates = (0..<20).map { Fixtures.partition(Fixtures.storageKey($0), rows: [Fixtures.row([], "x", at: 1)]) }
        try await cluster.write(updates, at: .all, replication)
        let other = Mutation(table: TableID(high: 5, low: 5), update: Self.update)
        try await cluster.nodes[0].coordinator.write([other], replication: replication, consistency: .all)
        try await cluster.nodes[1].coordinator.truncate(Fixtures.table)
        for node in cluster.nodes {
            #expect(node.storage.keys(Fixtures.table).isEmpty)
        }
        let otherReplicas = cluster.replicaIndices(of: Self.key, replication)
        #expect(otherReplicas.allSatisfy { !cluster.nodes[$0].storage.keys(other.table).isEmpty })
    }

    @Test func truncateNeedsEveryNode() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(1)
        try await cluster.write([Self.update], at: .one, replication)
        cluster.markDead(1)
        #expect(await coordinatorError { try await cluster.nodes[0].coordinator.truncate(Fixtures.table) }
            == .unavailable(.all, required: 3, alive: 2))
        #expect(cluster.nodes.map { $0.storage.keys(Fixtures.table).count }.reduce(0, +) == 1)

        cluster.markDead(1, false)
        cluster.nodes[2].storage.setFailing(writes: true, reads: false)
        #expect(await coordinatorError { try await cluster.nodes[0].coordinator.truncate(Fixtures.table) }
            == .writeFailure(.all, received: 2, blockFor: 3, failures: 1, reason: "injected storage failure"))

        cluster.nodes[2].storage.setFailing(writes: false, reads: false)
        cluster.isolate(2)
        let error = await coordinatorError { try await cluster.nodes[0].coordinator.truncate(Fixtures.table) }
        guard case let .writeFailure(_, received, blockFor, failures, _)? = error else {
            Issue.record("expected a failure, got \(String(describing: error))")
            return
        }
        #expect(received == 2 && blockFor == 3 && failures == 1)
    }
}
