import KVCore
import Messaging
import Ring
import Synchronization
import Testing

@testable import Coordinator

/// Logged batches through the batchlog on an in-memory cluster: logged on two other nodes,
/// applied, then forgotten; a coordinator that dies between its batchlog write and the end of
/// its mutations leaves the batch to the batchlog nodes, whose replay applies it whole.
@Suite struct LoggedBatchTests {
    static let replication = try! Fixtures.simple(3)
    static let keys = (0..<4).map { Fixtures.storageKey(100 + $0) }

    static func groups(_ keys: [[UInt8]] = keys, value: String = "batched") -> [KeyspaceMutations] {
        [KeyspaceMutations(replication: replication,
                           mutations: keys.map { Fixtures.mutation(Fixtures.partition($0, rows: [Fixtures.row([], value, at: 50)])) })]
    }

    static func cluster(failpoint: BatchFailpoint? = nil) throws -> TestCluster {
        try TestCluster(datacenters: ["dc1", "dc1", "dc1"], hintFileSystem: SimulatedFileSystem(),
                        batchlogFileSystem: SimulatedFileSystem(), batchFailpoint: failpoint)
    }

    static func holders(_ cluster: TestCluster, _ key: [UInt8]) -> Int {
        cluster.nodes.count { $0.storage.partition(Fixtures.table, key) != nil }
    }

    @Test func aLoggedBatchIsLoggedOnTheOtherNodesThenAppliedThenForgotten() async throws {
        let probe = BatchlogProbe()
        let cluster = try Self.cluster(failpoint: probe.failpoint)
        probe.watch(cluster)
        try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: true, consistency: .quorum)
        #expect(probe.countsAfterBatchlogWrites == [[0, 1, 1]], "stored on nodes 2 and 3, never on the coordinator")
        #expect(await eventually { Self.keys.allSatisfy { Self.holders(cluster, $0) == 3 } })
        #expect(await eventually { cluster.nodes.allSatisfy { $0.batchlog?.count == 0 } })
        await cluster.shutdown()
    }

    @Test func singlePartitionAndUnloggedBatchesSkipTheBatchlog() async throws {
        let probe = BatchlogProbe()
        let cluster = try Self.cluster(failpoint: probe.failpoint)
        probe.watch(cluster)
        let key = Self.keys[0]
        let twoRows = [KeyspaceMutations(replication: Self.replication, mutations: [
            Fixtures.mutation(Fixtures.partition(key, rows: [Fixtures.row([1], "a", at: 1)])),
            Fixtures.mutation(Fixtures.partition(key, rows: [Fixtures.row([2], "b", at: 1)])),
        ])]
        try await cluster.nodes[0].coordinator.writeBatch(twoRows, logged: true, consistency: .quorum)
        try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: false, consistency: .quorum)
        #expect(probe.countsAfterBatchlogWrites.isEmpty)
        #expect(Self.keys.allSatisfy { Self.holders(cluster, $0) >= 2 })
        await cluster.shutdown()
    }

    @Test func aCoordinatorThatDiesHalfWayLeavesTheBatchToItsBatchlogNodes() async throws {
        let failpoint = BatchFailpoint(mutationsBeforeHalt: 1) { () throws(CoordinatorError) in throw .invalid("coordinator died") }
        let cluster = try Self.cluster(failpoint: failpoint)
        #expect(await coordinatorError {
            try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: true, consistency: .quorum)
        } == .invalid("coordinator died"))
        #expect(await eventually { Self.holders(cluster, Self.keys[0]) == 3 })
        #expect(Self.keys.dropFirst().allSatisfy { Self.holders(cluster, $0) == 0 }, "only the first mutation was applied")
        #expect(cluster.nodes.map { $0.batchlog?.count } == [0, 1, 1])

        // Node 2 replays once the entry is older than the timeout; a replica held dead gets a hint.
        let replayer = Self.replayer(cluster, node: 1)
        #expect(await replayer.replayOnce() == BatchlogReplayReport(), "not yet due")
        cluster.markDead(2)
        cluster.clock.advance(micros: 4_000_000)
        #expect(await replayer.replayOnce() == BatchlogReplayReport(replayed: 1))
        #expect(Self.keys.allSatisfy { cluster.nodes[0].storage.partition(Fixtures.table, $0) != nil
                                       && cluster.nodes[1].storage.partition(Fixtures.table, $0) != nil })
        #expect(cluster.nodes[1].batchlog?.count == 0)
        #expect(cluster.nodes[1].hints?.pending(for: cluster.nodes[2].id) == Self.keys.count)
        await cluster.shutdown()
    }

    @Test func aBatchlogWriteThatIsNotAcknowledgedFailsTheBatchAsBatchLogAndAppliesNothing() async throws {
        let cluster = try Self.cluster()
        cluster.isolate(2)
        let error = await coordinatorError {
            try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: true, consistency: .quorum)
        }
        #expect(error == .batch(.batchLog, .writeTimeout(.two, received: 1, blockFor: 2)))
        #expect(Self.keys.allSatisfy { Self.holders(cluster, $0) == 0 })
        await cluster.shutdown()
    }

    @Test func withNoOtherLiveNodeALoggedBatchIsUnavailableAndLogsNothing() async throws {
        let cluster = try Self.cluster()
        cluster.markDead(1)
        cluster.markDead(2)
        #expect(await coordinatorError {
            try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: true, consistency: .one)
        } == .unavailable(.one, required: 1, alive: 0))
        #expect(cluster.nodes.allSatisfy { $0.batchlog?.count == 0 && $0.storage.appliedCount == 0 })
        await cluster.shutdown()
    }

    @Test func mutationTimeoutsAfterTheBatchlogNameBatchAndLeaveTheEntry() async throws {
        let cluster = try Self.cluster()
        cluster.nodes[1].storage.setFailing(writes: true, reads: false)
        cluster.nodes[2].storage.setFailing(writes: true, reads: false)
        let error = await coordinatorError {
            try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: true, consistency: .quorum)
        }
        guard case .batch(.batch, .writeFailure)? = error else {
            Issue.record("expected a BATCH write failure, got \(String(describing: error))")
            return
        }
        #expect(cluster.nodes.map { $0.batchlog?.count } == [0, 1, 1], "the entries stay for replay")
        await cluster.shutdown()
    }

    @Test func unloggedBatchFailuresNameUnloggedBatchOnlyOverSeveralPartitions() async throws {
        let cluster = try Self.cluster()
        cluster.nodes[1].storage.setFailing(writes: true, reads: false)
        cluster.nodes[2].storage.setFailing(writes: true, reads: false)
        let spread = await coordinatorError {
            try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: false, consistency: .quorum)
        }
        guard case .batch(.unloggedBatch, .writeFailure)? = spread else {
            Issue.record("expected an UNLOGGED_BATCH write failure, got \(String(describing: spread))")
            return
        }
        let single = await coordinatorError {
            try await cluster.nodes[0].coordinator.writeBatch(Self.groups([Self.keys[0]]), logged: false, consistency: .quorum)
        }
        guard case .writeFailure? = single else {
            Issue.record("expected a plain (SIMPLE) write failure, got \(String(describing: single))")
            return
        }
        await cluster.shutdown()
    }

    @Test func aDamagedBatchStoreIsRefusedAndStoresNothing() async throws {
        let cluster = try Self.cluster()
        var payload = BatchlogCodec.encode(LoggedBatch(id: BatchID(high: 3, low: 3), groups: Self.groups().map {
            LoggedBatch.Group(keyspace: "ks", mutations: $0.mutations)
        }))
        payload.removeLast()
        await #expect(throws: MessagingError.self) {
            _ = try await cluster.nodes[0].transport.request(payload, verb: .batchStore, to: cluster.nodes[1].address)
        }
        #expect(cluster.nodes[1].batchlog?.count == 0)
        await cluster.shutdown()
    }

    @Test func replaySkipsDroppedTablesAndBatchesOlderThanGCGrace() async throws {
        let failpoint = BatchFailpoint(mutationsBeforeHalt: 0) { () throws(CoordinatorError) in throw .invalid("died") }
        let cluster = try Self.cluster(failpoint: failpoint)
        _ = await coordinatorError {
            try await cluster.nodes[0].coordinator.writeBatch(Self.groups(), logged: true, consistency: .quorum)
        }
        cluster.clock.advance(micros: 10_000_000)
        let dropped = BatchlogReplayer(store: cluster.nodes[1].batchlog!, coordinator: cluster.nodes[1].coordinator,
                                       replayTimeoutMillis: 4000, replication: { _ in Self.replication },
                                       gcGraceSeconds: { _ in nil })
        #expect(await dropped.replayOnce() == BatchlogReplayReport(replayed: 1))
        let tooOld = BatchlogReplayer(store: cluster.nodes[2].batchlog!, coordinator: cluster.nodes[2].coordinator,
                                      replayTimeoutMillis: 4000, replication: { _ in Self.replication },
                                      gcGraceSeconds: { _ in 10 })
        #expect(await tooOld.replayOnce() == BatchlogReplayReport(replayed: 1))
        #expect(Self.keys.allSatisfy { Self.holders(cluster, $0) == 0 }, "nothing replayed")
        #expect(cluster.nodes.allSatisfy { $0.batchlog?.count == 0 })
        await cluster.shutdown()
    }

    static func replayer(_ cluster: TestCluster, node: Int) -> BatchlogReplayer {
        BatchlogReplayer(store: cluster.nodes[node].batchlog!, coordinator: cluster.nodes[node].coordinator,
                         replayTimeoutMillis: 4000, replication: { _ in Self.replication })
    }
}

/// A failpoint that halts nothing: it records how many batchlog entries each node holds at
/// the moment after a batch's batchlog write, before any mutation is applied.
final class BatchlogProbe: Sendable {
    private let cluster = Mutex<TestCluster?>(nil)
    private let samples = Mutex<[[Int]]>([])

    var failpoint: BatchFailpoint {
        BatchFailpoint(mutationsBeforeHalt: 0) { [self] () throws(CoordinatorError) in
            let counts = cluster.withLock { $0?.nodes.map { $0.batchlog?.count ?? 0 } } ?? []
            samples.withLock { $0.append(counts) }
        }
    }

    func watch(_ cluster: TestCluster) { self.cluster.withLock { $0 = cluster } }

    /// One entry per logged batch that went through the batchlog.
    var countsAfterBatchlogWrites: [[Int]] { samples.withLock { $0 } }
}

/// A node that restarted knows only itself until gossip brings it the ring; replaying then
/// would write every partition to itself alone and delete the batch.
@Suite struct BatchlogReplayRingTests {
    @Test func aReplayWaitsUntilTheRingPlacesEveryReplica() async throws {
        let clock = ManualClock()
        let network = InMemoryNetwork(configuration: MessagingConfiguration())
        let address = NodeAddress(host: "10.0.0.1", port: 7000)
        let transport = try network.join(at: address)
        let local = HostID(high: 0xA, low: 1)
        let ring = try TokenRing([(RingNode(id: local, datacenter: "dc1", rack: "rack1"), [Token(1)])])
        let storage = MemoryReplicaStorage(nowSeconds: { clock.nowSeconds() })
        let batchlog = try BatchlogStore(directory: "/batchlog", fileSystem: SimulatedFileSystem(), clock: clock, maxTotalBytes: 1 << 20)
        let coordinator = StorageCoordinator(transport: transport, storage: storage, clock: clock, batchlog: batchlog) {
            ClusterView(ring: ring, addresses: [local: address], alive: [local], localHost: local, localDatacenter: "dc1")
        }
        let batch = LoggedBatch(id: BatchID(high: 1, low: 1),
                                groups: [.init(keyspace: "ks", mutations: LoggedBatchTests.groups()[0].mutations)])
        try batchlog.store(batch.id, payload: BatchlogCodec.encode(batch))
        clock.advance(micros: 5_000_000)
        let replayer = BatchlogReplayer(store: batchlog, coordinator: coordinator, replayTimeoutMillis: 4000,
                                        replication: { _ in LoggedBatchTests.replication })
        #expect(await replayer.replayOnce() == BatchlogReplayReport(kept: 1))
        #expect(storage.appliedCount == 0)
        #expect(batchlog.count == 1)
        await transport.shutdown()
    }
}
