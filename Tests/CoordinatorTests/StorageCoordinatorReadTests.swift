import KVCore
import Testing

@testable import Coordinator

@Suite struct StorageCoordinatorReadTests {
    static let key = Fixtures.storageKey(1)
    static let now = Fixtures.nowSeconds

    static func threeNodes() throws -> TestCluster { try TestCluster(datacenters: ["dc1", "dc1", "dc1"]) }

    @Test(arguments: [ConsistencyLevel.one, .two, .three, .quorum, .all, .localOne, .localQuorum])
    func everyLevelReadsWhatWasWritten(level: ConsistencyLevel) async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1), Fixtures.row([2], "b", at: 1)])],
                                at: .all, replication)
        for via in 0..<3 {
            let result = try await cluster.read(Self.key, at: level, via: via, replication)
            #expect(Fixtures.values(result.partitions) == ["a", "b"])
            #expect(result.nextPosition == nil)
        }
        let missing = try await cluster.read(Fixtures.storageKey(2), at: level, replication)
        #expect(missing == ReadResult(partitions: [], nextPosition: nil))
    }

    /// The point read's own path answers as the partition read does, row by row: live
    /// cells only, deletions applied; and only when this node alone may answer.
    @Test func aRowReadInPlaceAnswersAsThePartitionRead() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        let now = cluster.clock.nowSeconds()
        let covering = RangeTombstone(start: ClusteringBound(prefix: [4], isInclusive: true),
                                      end: ClusteringBound(prefix: [4], isInclusive: true), deletion: Fixtures.deletion(at: 9))
        let rows = [
            Fixtures.row([1], "live", at: 5),
            Row(clustering: [2], cells: [
                .expiring(column: 1, timestamp: 5, value: Fixtures.value("gone"), ttlSeconds: 1, nowSeconds: now - 10),
                .live(column: 2, timestamp: 5, value: [7]),
            ]),
            Row(clustering: [3], deletion: Fixtures.deletion(at: 8), cells: [.live(column: 1, timestamp: 7, value: [1])]),
            Fixtures.row([4], "ranged", at: 8),
        ]
        try await cluster.write([Fixtures.partition(Self.key, rows: rows, ranges: [covering]),
                                 Fixtures.partition(Fixtures.storageKey(2), rows: [Fixtures.row([1], "old", at: 1)],
                                                    deletion: Fixtures.deletion(at: 3))],
                                at: .all, replication)
        for key in [Self.key, Fixtures.storageKey(2), Fixtures.storageKey(3)] {
            let partition = try await cluster.read(key, at: .one, replication).partitions.first
            for clustering in (1...5 as ClosedRange<UInt8>).map({ [$0] }) {
                let expected = partition?.rows.first { $0.clustering == clustering }
                switch cluster.nodes[0].coordinator.readRowInPlace(table: Fixtures.table, partitionKey: key, clustering: clustering,
                                                                   replication: replication, consistency: .one) {
                case .live(let row): #expect(row == expected, "\(key) \(clustering)")
                case .absent: #expect(expected == nil, "\(key) \(clustering)")
                case .needsReplicas: Issue.record("ONE on a replica is answered in place")
                }
            }
        }
        let found = try await cluster.read(Self.key, at: .one, replication).partitions.first?.rows.map(\.clustering)
        #expect(found == [[1], [2]], "the history covers live, partly expired, deleted and range-deleted rows")
        guard case .needsReplicas = cluster.nodes[0].coordinator.readRowInPlace(
            table: Fixtures.table, partitionKey: Self.key, clustering: [1], replication: replication, consistency: .quorum) else {
            Issue.record("QUORUM needs other replicas")
            return
        }
    }

    @Test func aReadAsksOnlyAsManyReplicasAsTheLevelNeeds() async throws {
        let cluster = try TestCluster(datacenters: Array(repeating: "dc1", count: 5))
        let replication = try Fixtures.simple(5)
        _ = try await cluster.read(Self.key, at: .one, replication)
        #expect(cluster.nodes.map(\.storage.readCount) == [1, 0, 0, 0, 0], "ONE reads the coordinator's own replica")
        _ = try await cluster.read(Self.key, at: .quorum, via: 1, replication)
        #expect(cluster.nodes.map(\.storage.readCount).reduce(0, +) == 4)
        #expect(cluster.nodes[1].storage.readCount == 1)
    }

    @Test func aSliceReadsOnlyItsRowsAndPagesByMaxLiveRows() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        let rows = (0..<10 as Range<UInt8>).map { Fixtures.row([$0], "r\($0)", at: 1) }
        try await cluster.write([Fixtures.partition(Self.key, rows: rows)], at: .all, replication)
        let slice = ReadCommand(table: Fixtures.table,
                                selection: .partition(key: Self.key, start: ClusteringBound(prefix: [2], isInclusive: false),
                                                      end: ClusteringBound(prefix: [5], isInclusive: true)),
                                maxLiveRows: 100)
        let result = try await cluster.nodes[1].coordinator.read(slice, replication: replication, consistency: .quorum)
        #expect(Fixtures.values(result.partitions) == ["r3", "r4", "r5"])

        var seen: [String] = []
        var after: RowPosition?
        for _ in 0..<20 {
            let page = try await cluster.read(Self.key, at: .quorum, via: 2, maxLiveRows: 3, after: after, replication)
            #expect(page.rowCount <= 3)
            seen += Fixtures.values(page.partitions)
            guard let next = page.nextPosition else { break }
            after = next
        }
        #expect(seen == rows.map { "r\($0.clustering[0])" })
    }

    @Test func aRangeSelectionIsRefusedByThePartitionRead() async throws {
        let cluster = try Self.threeNodes()
        let command = ReadCommand(table: Fixtures.table, selection: .partitionRange(from: nil, to: nil), maxLiveRows: 10)
        #expect(await coordinatorError {
            _ = try await cluster.nodes[0].coordinator.read(command, replication: try Fixtures.simple(3), consistency: .one)
        } == .invalid("a partition read needs a partition selection"))
    }

    @Test func expiredCellsAreNotReturned() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        let now = cluster.clock.nowSeconds()
        let row = Row(clustering: [1], cells: [
            .expiring(column: 1, timestamp: 1, value: Fixtures.value("short"), ttlSeconds: 10, nowSeconds: now),
            .live(column: 2, timestamp: 1, value: [1]),
        ])
        try await cluster.write([Fixtures.partition(Self.key, rows: [row])], at: .all, replication)
        #expect(Fixtures.values(try await cluster.read(Self.key, at: .quorum, replication).partitions) == ["short"])
        cluster.clock.advance(micros: 10_000_000)
        let later = try await cluster.read(Self.key, at: .quorum, replication)
        #expect(later.partitions.first?.rows.first?.cells.map(\.column) == [2])
    }

    // MARK: Failures

    @Test func tooFewLiveReplicasInTheViewIsUnavailable() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        cluster.markDead(1)
        #expect(await coordinatorError { _ = try await cluster.read(Self.key, at: .all, replication) }
            == .unavailable(.all, required: 3, alive: 2))
        cluster.markDead(2)
        #expect(await coordinatorError { _ = try await cluster.read(Self.key, at: .quorum, replication) }
            == .unavailable(.quorum, required: 2, alive: 1))
        #expect(cluster.nodes.allSatisfy { $0.storage.readCount == 0 })
        _ = try await cluster.read(Self.key, at: .one, replication)
    }

    @Test func anUnreachableReplicaStillAliveInTheViewIsReplacedOrTimesOut() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1)])], at: .all, replication)
        cluster.isolate(1)
        // Node 1 is the first remote candidate of node 0: it times out and node 2 replaces it.
        #expect(Fixtures.values(try await cluster.read(Self.key, at: .quorum, via: 0, replication).partitions) == ["a"])
        #expect(Fixtures.values(try await cluster.read(Self.key, at: .quorum, via: 2, replication).partitions) == ["a"])
        #expect(await coordinatorError { _ = try await cluster.read(Self.key, at: .all, replication) }
            == .readTimeout(.all, received: 2, blockFor: 3, dataPresent: true))
        #expect(await coordinatorError { _ = try await cluster.read(Self.key, at: .quorum, via: 1, replication) }
            == .readTimeout(.quorum, received: 1, blockFor: 2, dataPresent: true))
    }

    @Test func aReplicaWhoseStorageFailsIsReplacedOrGivesReadFailure() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1)])], at: .all, replication)
        cluster.nodes[2].storage.setFailing(writes: false, reads: true)
        // The coordinator's own replica fails: the next candidate answers instead.
        #expect(Fixtures.values(try await cluster.read(Self.key, at: .one, via: 2, replication).partitions) == ["a"])
        #expect(Fixtures.values(try await cluster.read(Self.key, at: .quorum, via: 2, replication).partitions) == ["a"])
        #expect(await coordinatorError { _ = try await cluster.read(Self.key, at: .all, replication) }
            == .readFailure(.all, received: 2, blockFor: 3, failures: 1, reason: "injected storage failure"))

        cluster.nodes[1].storage.setFailing(writes: false, reads: true)
        #expect(await coordinatorError { _ = try await cluster.read(Self.key, at: .quorum, via: 1, replication) }
            == .readFailure(.quorum, received: 1, blockFor: 2, failures: 2, reason: "injected storage failure"))
    }

    // MARK: Deletes

    /// A value written at ALL, deleted at QUORUM while one replica was unreachable (so that
    /// replica still holds it), is never read back at QUORUM by any coordinator.
    @Test(arguments: ["cell tombstone", "row deletion", "range tombstone", "partition deletion"])
    func aQuorumReadAfterAQuorumDeleteNeverSeesTheValue(kind: String) async throws {
        for missed in 0..<3 {
            let cluster = try Self.threeNodes()
            let replication = try Fixtures.simple(3)
            let otherKey = Fixtures.storageKey(2)
            try await cluster.write([
                Fixtures.partition(Self.key, rows: [Fixtures.row([1], "doomed", at: 10), Fixtures.row([2], "kept", at: 10)]),
                Fixtures.partition(otherKey, rows: [Fixtures.row([1], "other", at: 10)]),
            ], at: .all, replication)
            cluster.isolate(missed)
            let coordinator = (missed + 1) % 3
            try await cluster.write([Self.deletion(kind, at: 20)], at: .quorum, via: coordinator, replication)
            cluster.heal()
            #expect(cluster.nodes[missed].storage.partition(Fixtures.table, Self.key)?.rows.first?.cells.first?.kind == .live,
                    "the replica that missed the delete still has the value")
            let expected = kind == "partition deletion" ? [] : ["kept"]
            for via in 0..<3 {
                let result = try await cluster.read(Self.key, at: .quorum, via: via, replication)
                #expect(Fixtures.values(result.partitions) == expected, "\(kind), missed by \(missed), read via \(via)")
                let scan = try await cluster.nodes[via].coordinator.readRange(
                    table: Fixtures.table, after: nil, pageSize: 100, replication: replication, consistency: .quorum)
                #expect(Set(Fixtures.values(scan.partitions)) == Set(expected + ["other"]), "scan \(kind), \(missed), \(via)")
            }
        }
    }

    static func deletion(_ kind: String, at timestamp: Int64) -> PartitionUpdate {
        let deletion = Fixtures.deletion(at: timestamp)
        switch kind {
        case "cell tombstone":
            return Fixtures.partition(key, rows: [Row(clustering: [1], cells: [.tombstone(column: 1, timestamp: timestamp,
                                                                                          nowSeconds: now)])])
        case "row deletion":
            return Fixtures.partition(key, rows: [Row(clustering: [1], deletion: deletion)])
        case "range tombstone":
            return Fixtures.partition(key, ranges: [RangeTombstone(start: .unbounded,
                                                                   end: ClusteringBound(prefix: [1], isInclusive: true),
                                                                   deletion: deletion)])
        default:
            return Fixtures.partition(key, deletion: deletion)
        }
    }

    /// Replicas that each missed different writes: a read at ALL sees the union, paged by a
    /// small limit, without gaps or duplicates.
    @Test func pagesOfAPartitionMergeReplicasThatMissedDifferentRows() async throws {
        let cluster = try Self.threeNodes()
        let replication = try Fixtures.simple(3)
        var expected: [String] = []
        for clustering in 0..<12 as Range<UInt8> {
            let missed = Int(clustering % 3)
            cluster.isolate(missed)
            try await cluster.write([Fixtures.partition(Self.key, rows: [Fixtures.row([clustering], "r\(clustering)", at: 1)])],
                                    at: .quorum, via: (missed + 1) % 3, replication)
            cluster.heal()
            expected.append("r\(clustering)")
        }
        for (level, limit) in [(ConsistencyLevel.all, 1), (.all, 2), (.all, 5), (.quorum, 1), (.quorum, 4)] {
            for via in 0..<3 {
                var seen: [String] = []
                var after: RowPosition?
                for _ in 0..<100 {
                    let page = try await cluster.read(Self.key, at: level, via: via, maxLiveRows: limit, after: after, replication)
                    seen += Fixtures.values(page.partitions)
                    guard let next = page.nextPosition else { break }
                    after = next
                }
                // Each row missed one replica, so any two replicas (QUORUM) hold all of them.
                #expect(seen == expected, "\(level) limit \(limit) via \(via)")
            }
        }
    }
}
