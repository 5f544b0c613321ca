import KVCore
import Testing

@testable import Coordinator

@Suite struct StorageCoordinatorRangeTests {
    /// 40 partitions with 0-3 live rows each, some rows and partitions deleted, written at
    /// ALL; returns the live rows in storage order.
    static func load(_ cluster: TestCluster, _ replication: KeyspaceReplication) async throws -> [RowPosition] {
        var updates: [PartitionUpdate] = []
        var expected: [RowPosition] = []
        for number in 0..<40 {
            let key = Fixtures.storageKey(number)
            let rows = (0..<(number % 4)).map { Fixtures.row([UInt8($0)], "p\(number)r\($0)", at: 10) }
            var update = Fixtures.partition(key, rows: rows)
            switch number % 5 {
            case 0: update.partitionDeletion = Fixtures.deletion(at: 20)  // everything gone
            case 1: if !rows.isEmpty { update.rows[0].deletion = Fixtures.deletion(at: 20) }  // first row gone
            default: break
            }
            updates.append(update)
            let visible = number % 5 == 0 ? [] : (number % 5 == 1 ? Array(rows.dropFirst()) : rows)
            expected += visible.map { RowPosition(partitionKey: key, clustering: $0.clustering) }
        }
        try await cluster.write(updates, at: .all, replication)
        return expected.sorted()
    }

    static func fiveNodes(tokensPerNode: Int = 4) throws -> TestCluster {
        try TestCluster(datacenters: Array(repeating: "dc1", count: 5), tokensPerNode: tokensPerNode, seed: 11)
    }

    static func expectTokenOrderWithoutDuplicates(_ rows: [RowPosition], _ comment: Comment) {
        #expect(Set(rows).count == rows.count, comment)
        #expect(rows == rows.sorted(), comment)
        let tokens = rows.map { StoragePartitionKey.token(of: $0.partitionKey) }
        #expect(tokens == tokens.sorted(), comment)
    }

    @Test(arguments: [(1, ConsistencyLevel.one), (2, .quorum), (3, .all), (7, .quorum), (1000, .two)])
    func pagesCoverEveryRowOnceInTokenOrder(pageSize: Int, level: ConsistencyLevel) async throws {
        let cluster = try Self.fiveNodes()
        let replication = try Fixtures.simple(3)
        let expected = try await Self.load(cluster, replication)
        #expect(expected.count > 20)
        for via in [0, 3] {
            let scan = try await cluster.scan(pageSize: pageSize, at: level, via: via, replication)
            #expect(scan.rows == expected, "page size \(pageSize) at \(level) via \(via)")
            Self.expectTokenOrderWithoutDuplicates(scan.rows, "page size \(pageSize)")
            #expect(scan.pageSizes.dropLast().allSatisfy { $0 >= pageSize }, "only the last page is short: \(scan.pageSizes)")
        }
    }

    @Test func aClippedScanReturnsOnlyItsKeyRange() async throws {
        let cluster = try Self.fiveNodes()
        let replication = try Fixtures.simple(3)
        let expected = try await Self.load(cluster, replication)
        let keys = Array(Set(expected.map(\.partitionKey))).sorted { $0.lexicographicallyPrecedes($1) }
        let from = keys[3], to = keys[keys.count - 4]
        for pageSize in [1, 4, 1000] {
            let scan = try await cluster.scan(pageSize: pageSize, at: .quorum, via: 1, from: from, to: to, replication)
            let inside = expected.filter {
                !$0.partitionKey.lexicographicallyPrecedes(from) && $0.partitionKey.lexicographicallyPrecedes(to)
            }
            #expect(scan.rows == inside, "page size \(pageSize)")
        }
        let open = try await cluster.scan(pageSize: 5, at: .one, from: nil, to: to, replication)
        #expect(open.rows == expected.filter { $0.partitionKey.lexicographicallyPrecedes(to) })
    }

    /// Every row written at QUORUM while a different replica was unreachable: the replicas
    /// disagree, and scans at ALL and QUORUM still return each row once, in order.
    @Test func pagesMergeReplicasThatMissedDifferentWrites() async throws {
        let cluster = try Self.fiveNodes()
        let replication = try Fixtures.simple(3)
        var expected: [RowPosition] = []
        for number in 0..<24 {
            let key = Fixtures.storageKey(number)
            let replicas = cluster.replicaIndices(of: key, replication)
            for clustering in 0..<3 as Range<UInt8> {
                let missed = replicas[Int(clustering)]
                cluster.isolate(missed)
                try await cluster.write([Fixtures.partition(key, rows: [Fixtures.row([clustering], "x", at: 1)])],
                                        at: .quorum, via: replicas[(Int(clustering) + 1) % 3], replication)
                cluster.heal()
                expected.append(RowPosition(partitionKey: key, clustering: [clustering]))
            }
        }
        expected.sort()
        for (pageSize, level) in [(1, ConsistencyLevel.all), (2, .all), (5, .quorum), (1000, .quorum)] {
            let scan = try await cluster.scan(pageSize: pageSize, at: level, via: 4, replication)
            #expect(scan.rows == expected, "page size \(pageSize) at \(level)")
        }
    }

    /// The contract says a page stops once `pageSize` rows are collected; when replicas
    /// disagree the merged page can hold more (replica A stops at rows 1,3, replica B at 2,3:
    /// the merge keeps 1,2,3), and segments that end exactly at the limit make the next
    /// segment read with a limit of 0 (sent as 0, read as 1 by the replica).
    @Test
    func noPageIsLargerThanThePageSize() async throws {
        let cluster = try Self.fiveNodes()
        let replication = try Fixtures.simple(3)
        for number in 0..<24 {
            let key = Fixtures.storageKey(number)
            let replicas = cluster.replicaIndices(of: key, replication)
            for clustering in 0..<3 as Range<UInt8> {
                cluster.isolate(replicas[Int(clustering)])
                try await cluster.write([Fixtures.partition(key, rows: [Fixtures.row([clustering], "x", at: 1)])],
                                        at: .quorum, via: replicas[(Int(clustering) + 1) % 3], replication)
                cluster.heal()
            }
        }
        for pageSize in [1, 2, 5] {
            let scan = try await cluster.scan(pageSize: pageSize, at: .all, via: 4, replication)
            #expect(scan.pageSizes.allSatisfy { $0 <= pageSize }, "page size \(pageSize): \(scan.pageSizes)")
        }
    }

    @Test func aScanWithTooFewLiveReplicasIsUnavailable() async throws {
        let cluster = try Self.fiveNodes()
        let replication = try Fixtures.simple(3)
        _ = try await Self.load(cluster, replication)
        cluster.markDead(1)
        cluster.markDead(2)
        #expect(await coordinatorError { _ = try await cluster.scan(pageSize: 10, at: .quorum, replication) }
            == .unavailable(.quorum, required: 2, alive: 1))
        _ = try await cluster.scan(pageSize: 1000, at: .one, replication)
    }

    @Test func aScanSkipsAnUnreachableReplicaStillAliveInTheView() async throws {
        let cluster = try Self.fiveNodes(tokensPerNode: 1)
        let replication = try Fixtures.simple(3)
        let expected = try await Self.load(cluster, replication)
        cluster.isolate(2)
        let scan = try await cluster.scan(pageSize: 1000, at: .quorum, via: 0, replication)
        #expect(scan.rows == expected)
        #expect(await coordinatorError { _ = try await cluster.scan(pageSize: 1000, at: .all, via: 0, replication) }
            == .readTimeout(.all, received: 2, blockFor: 3, dataPresent: true))
    }
}
