import KVCore
import Testing

@testable import Coordinator

/// Random histories of writes and deletions at QUORUM, each while a random node is
/// unreachable, so replicas disagree; then every QUORUM or ALL read, partition reads and
/// paged range scans alike, must give what the merge of the whole history shows.
@Suite struct StorageCoordinatorModelTests {
    static let keyCount = 12

    /// One random operation on partition `key` at `timestamp`.
    static func randomUpdate(_ random: SeededRandomSource, key: [UInt8], timestamp: Int64) -> PartitionUpdate {
        let clustering = [UInt8(random.next(in: 0..<5))]
        let deletion = Fixtures.deletion(at: timestamp)
        switch random.next(in: 0..<10) {
        case 0: return Fixtures.partition(key, deletion: deletion)
        case 1: return Fixtures.partition(key, rows: [Row(clustering: clustering, deletion: deletion)])
        case 2:
            let other = [UInt8(random.next(in: 0..<5))]
            let (low, high) = clustering.lexicographicallyPrecedes(other) ? (clustering, other) : (other, clustering)
            return Fixtures.partition(key, ranges: [RangeTombstone(start: ClusteringBound(prefix: low, isInclusive: true),
                                                                   end: ClusteringBound(prefix: high, isInclusive: random.chance(0.5)),
                                                                   deletion: deletion)])
        case 3:
            return Fixtures.partition(key, rows: [Row(clustering: clustering, cells: [
                .tombstone(column: 1, timestamp: timestamp, nowSeconds: Fixtures.nowSeconds)])])
        default:
            return Fixtures.partition(key, rows: [Fixtures.row(clustering, "v\(timestamp)", at: timestamp)])
        }
    }

    /// The visible rows of `history` merged: position and value, in storage order.
    static func model(_ history: [PartitionUpdate]) -> [(RowPosition, String)] {
        var merged: [[UInt8]: PartitionUpdate] = [:]
        for update in history {
            merged[update.partitionKey] = MemoryReplicaStorage.merge(
                merged[update.partitionKey] ?? PartitionUpdate(partitionKey: update.partitionKey), update)
        }
        var visible: [(RowPosition, String)] = []
        for key in merged.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let partition = merged[key]!
            for row in partition.rows {
                var outer = partition.partitionDeletion
                for range in partition.rangeTombstones where range.covers(row.clustering) {
                    outer = DeletionTime.latest(outer, range.deletion)
                }
                outer = DeletionTime.latest(outer, row.deletion)
                guard let cell = row.cells.first(where: { $0.column == 1 }), cell.kind == .live,
                      !(outer?.shadows(cell.timestamp) ?? false) else { continue }
                let position = RowPosition(partitionKey: key, clustering: row.clustering)
                visible.append((position, String(decoding: cell.value, as: UTF8.self)))
            }
        }
        return visible
    }

    static func flatten(_ partitions: [PartitionUpdate]) -> [(RowPosition, String)] {
        partitions.flatMap { partition in
            partition.rows.map { row in
                (RowPosition(partitionKey: partition.partitionKey, clustering: row.clustering),
                 Fixtures.values([PartitionUpdate(partitionKey: [], rows: [row])]).first ?? "?")
            }
        }
    }

    static func same(_ left: [(RowPosition, String)], _ right: [(RowPosition, String)]) -> Bool {
        left.map(\.0) == right.map(\.0) && left.map(\.1) == right.map(\.1)
    }

    @Test(arguments: 0..<4 as Range<UInt64>)
    func quorumReadsSeeEveryQuorumWrite(seed: UInt64) async throws {
        let random = SeededRandomSource(seed: 7000 + seed)
        let cluster = try TestCluster(datacenters: Array(repeating: "dc1", count: 5), tokensPerNode: 3, seed: seed)
        let replication = try Fixtures.simple(3)
        let keys = (0..<Self.keyCount).map { Fixtures.storageKey(100 + $0) }
        var history: [PartitionUpdate] = []
        for step in 0..<80 {
            let update = Self.randomUpdate(random, key: keys[random.next(in: 0..<keys.count)], timestamp: Int64(step + 1))
            let isolated = random.next(in: 0..<6)  // 5: none
            if isolated < 5 { cluster.isolate(isolated) }
            let coordinator = (isolated + 1 + random.next(in: 0..<4)) % 5
            try await cluster.write([update], at: .quorum, via: coordinator, replication)
            cluster.heal()
            history.append(update)
        }
        let expected = Self.model(history)
        #expect(!expected.isEmpty)

        for (pageSize, level) in [(1, ConsistencyLevel.quorum), (2, .all), (3, .quorum), (7, .quorum), (1000, .all)] {
            let via = random.next(in: 0..<5)
            var seen: [(RowPosition, String)] = []
            var after: RowPosition?
            for _ in 0..<1000 {
                let page = try await cluster.nodes[via].coordinator.readRange(
                    table: Fixtures.table, after: after, pageSize: pageSize, replication: replication, consistency: level)
                seen += Self.flatten(page.partitions)
                guard let next = page.nextPosition else { break }
                after = next
            }
            #expect(Self.same(seen, expected), "seed \(seed), page size \(pageSize) at \(level) via \(via)")
        }

        for key in keys {
            let wanted = expected.filter { $0.0.partitionKey == key }
            for limit in [1, 2, 100] {
                let via = random.next(in: 0..<5)
                var seen: [(RowPosition, String)] = []
                var after: RowPosition?
                for _ in 0..<100 {
                    let page = try await cluster.read(key, at: .quorum, via: via, maxLiveRows: limit, after: after, replication)
                    seen += Self.flatten(page.partitions)
                    guard let next = page.nextPosition else { break }
                    after = next
                }
                #expect(Self.same(seen, wanted), "seed \(seed), key \(key), limit \(limit) via \(via)")
            }
        }
    }
}
