import KVCore
import Testing

@testable import Coordinator

@Suite struct ReadReconcilerTests {
    static let key = Fixtures.storageKey(1)
    static let later = Fixtures.storageKey(2)
    static let now = Fixtures.nowSeconds

    static func response(_ partitions: [PartitionUpdate], exhausted: Bool = true) -> ReadResponse {
        ReadResponse(partitions: partitions, isExhausted: exhausted)
    }

    /// The live values after reconciling `responses` in the given order.
    static func liveValues(_ responses: [ReadResponse]) -> [String] {
        let merged = ReadReconciler.merge(responses)
        return Fixtures.values(merged.partitions.compactMap { ReadReconciler.liveView(of: $0, nowSeconds: now) })
    }

    /// Replica A holds value "old" at timestamp 10 in row [1] (and "kept" in row [2]);
    /// replica B holds only a deletion. Each kind of deletion at `deletionTimestamp`.
    static func deletions(at timestamp: Int64) -> [(String, PartitionUpdate)] {
        let deletion = Fixtures.deletion(at: timestamp)
        return [
            ("cell tombstone", Fixtures.partition(key, rows: [
                Row(clustering: [1], cells: [.tombstone(column: 1, timestamp: timestamp, nowSeconds: now)]),
            ])),
            ("row deletion", Fixtures.partition(key, rows: [Row(clustering: [1], deletion: deletion)])),
            ("range tombstone", Fixtures.partition(key, ranges: [
                RangeTombstone(start: ClusteringBound(prefix: [0], isInclusive: false),
                               end: ClusteringBound(prefix: [2], isInclusive: false), deletion: deletion),
            ])),
        ]
    }

    static let holder = Fixtures.partition(key, rows: [Fixtures.row([1], "old", at: 10), Fixtures.row([2], "kept", at: 10)])

    @Test(arguments: [11, 10] as [Int64])
    func aNewerOrEqualDeletionHidesTheOlderValueInEitherOrder(deletionTimestamp: Int64) {
        for (name, deleter) in Self.deletions(at: deletionTimestamp) {
            let holder = Self.response([Self.holder]), other = Self.response([deleter])
            #expect(Self.liveValues([holder, other]) == ["kept"], "\(name)")
            #expect(Self.liveValues([other, holder]) == ["kept"], "\(name)")
        }
        let partitionDeleter = Self.response([Fixtures.partition(Self.key, deletion: Fixtures.deletion(at: deletionTimestamp))])
        #expect(Self.liveValues([Self.response([Self.holder]), partitionDeleter]) == [])
        #expect(Self.liveValues([partitionDeleter, Self.response([Self.holder])]) == [])
    }

    @Test func anOlderDeletionDoesNotHideANewerValue() {
        for (name, deleter) in Self.deletions(at: 9) {
            #expect(Self.liveValues([Self.response([Self.holder]), Self.response([deleter])]) == ["old", "kept"], "\(name)")
            #expect(Self.liveValues([Self.response([deleter]), Self.response([Self.holder])]) == ["old", "kept"], "\(name)")
        }
        let partitionDeleter = Self.response([Fixtures.partition(Self.key, deletion: Fixtures.deletion(at: 9))])
        #expect(Self.liveValues([partitionDeleter, Self.response([Self.holder])]) == ["old", "kept"])
    }

    @Test func theNewerValueWinsWhicheverReplicaAnswersFirst() {
        let old = Self.response([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "old", at: 10)])])
        let new = Self.response([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "new", at: 11)])])
        #expect(Self.liveValues([old, new]) == ["new"])
        #expect(Self.liveValues([new, old]) == ["new"])
        // A partition only one replica has is kept, in storage order.
        let other = Self.response([Fixtures.partition(Self.later, rows: [Fixtures.row([1], "other", at: 1)])])
        let expected = Self.key.lexicographicallyPrecedes(Self.later) ? ["new", "other"] : ["other", "new"]
        #expect(Self.liveValues([other, old, new]) == expected)
        #expect(Self.liveValues([new, other, old]) == expected)
    }

    // MARK: The cut

    @Test func everythingAfterTheEarliestNonExhaustedReplicasLastRowIsDropped() {
        let (first, second) = Self.key.lexicographicallyPrecedes(Self.later) ? (Self.key, Self.later) : (Self.later, Self.key)
        let stopped = Self.response([Fixtures.partition(first, rows: [Fixtures.row([1], "a1", at: 1), Fixtures.row([2], "a2", at: 1)])],
                                    exhausted: false)
        let complete = Self.response([
            Fixtures.partition(first, rows: [Fixtures.row([1], "a1", at: 1), Fixtures.row([2], "a2", at: 1),
                                             Fixtures.row([3], "a3", at: 1)]),
            Fixtures.partition(second, rows: [Fixtures.row([1], "b1", at: 1)]),
        ])
        for order in [[stopped, complete], [complete, stopped]] {
            let merged = ReadReconciler.merge(order)
            #expect(!merged.isExhausted)
            #expect(merged.partitions.map(\.partitionKey) == [first])
            #expect(merged.partitions.first?.rows.map(\.clustering) == [[1], [2]])
            #expect(merged.lastPosition == RowPosition(partitionKey: first, clustering: [2]))
        }

        // Two replicas stopped: the earlier stop wins, whatever the order.
        let stoppedEarlier = Self.response([Fixtures.partition(first, rows: [Fixtures.row([1], "a1", at: 1)])], exhausted: false)
        for order in [[stopped, stoppedEarlier, complete], [complete, stoppedEarlier, stopped]] {
            let merged = ReadReconciler.merge(order)
            #expect(merged.lastPosition == RowPosition(partitionKey: first, clustering: [1]))
            #expect(!merged.isExhausted)
        }

        // Every replica exhausted: nothing is dropped.
        let merged = ReadReconciler.merge([complete, Self.response([Fixtures.partition(first, rows: [Fixtures.row([2], "x", at: 0)])])])
        #expect(merged.isExhausted)
        #expect(Fixtures.values(merged.partitions) == ["a1", "a2", "a3", "b1"])
    }

    @Test func aStopAtAPartitionWithoutRowsCutsEveryRowOfIt() {
        let (first, second) = Self.key.lexicographicallyPrecedes(Self.later) ? (Self.key, Self.later) : (Self.later, Self.key)
        let stopped = Self.response([Fixtures.partition(first, deletion: Fixtures.deletion(at: 1))], exhausted: false)
        let complete = Self.response([
            Fixtures.partition(first, rows: [Fixtures.row([1], "a1", at: 5)]),
            Fixtures.partition(second, rows: [Fixtures.row([1], "b1", at: 5)]),
        ])
        let merged = ReadReconciler.merge([complete, stopped])
        #expect(merged.partitions.count == 1)
        #expect(merged.partitions.first?.rows == [])
        #expect(merged.partitions.first?.partitionDeletion == Fixtures.deletion(at: 1))
        #expect(!merged.isExhausted)
    }

    @Test func aSingleResponseIsReturnedAsItIs() {
        let response = Self.response([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1)])], exhausted: false)
        #expect(ReadReconciler.merge([response]) == response)
    }

    /// A replica that stopped without sending anything (no partitions) has not covered any
    /// of the range either, yet the merge treats it as exhausted and keeps everything.
    @Test(.disabled("QUESTIONABLE: a non-exhausted response without partitions is ignored by the cut; merged says exhausted"))
    func aStoppedReplicaThatSentNothingIsNotExhausted() {
        let empty = Self.response([], exhausted: false)
        let complete = Self.response([Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1)])])
        #expect(!ReadReconciler.merge([complete, empty]).isExhausted)
    }

    // MARK: Live view

    @Test func liveViewDropsExpiredTombstonedAndShadowedCells() {
        let now = Self.now
        let partition = PartitionUpdate(
            partitionKey: Self.key,
            partitionDeletion: Fixtures.deletion(at: 5),
            rangeTombstones: [RangeTombstone(start: ClusteringBound(prefix: [3], isInclusive: true),
                                             end: ClusteringBound(prefix: [3], isInclusive: true),
                                             deletion: Fixtures.deletion(at: 50))],
            rows: [
                Row(clustering: [1], cells: [
                    .live(column: 1, timestamp: 5, value: [1]),  // partition deletion (tie) shadows
                    .live(column: 2, timestamp: 6, value: [2]),  // survives
                    .expiring(column: 3, timestamp: 9, value: [3], ttlSeconds: 10, nowSeconds: now - 10),  // expired now
                    .expiring(column: 4, timestamp: 9, value: [4], ttlSeconds: 10, nowSeconds: now - 9),  // 1 s left
                    .tombstone(column: 5, timestamp: 9, nowSeconds: now),
                ]),
                Row(clustering: [2], deletion: Fixtures.deletion(at: 20), cells: [
                    .live(column: 1, timestamp: 20, value: [1]),  // row deletion shadows
                    .live(column: 2, timestamp: 21, value: [2]),  // survives
                ]),
                Row(clustering: [3, 1], cells: [.live(column: 1, timestamp: 49, value: [1])]),  // range shadows
                Row(clustering: [4], cells: [.tombstone(column: 1, timestamp: 99, nowSeconds: now)]),  // nothing live
            ])
        let live = ReadReconciler.liveView(of: partition, nowSeconds: now)
        #expect(live?.partitionDeletion == nil)
        #expect(live?.rangeTombstones == [])
        #expect(live?.rows.map(\.clustering) == [[1], [2]])
        #expect(live?.rows.first?.cells.map(\.column) == [2, 4])
        #expect(live?.rows.last?.cells.map(\.column) == [2])
        #expect(live?.rows.allSatisfy { $0.deletion == nil } == true)
        #expect(ReadReconciler.liveView(of: partition, nowSeconds: now + 1)?.rows.first?.cells.map(\.column) == [2])
    }

    @Test func liveViewOfANothingLivePartitionIsNil() {
        #expect(ReadReconciler.liveView(of: PartitionUpdate(partitionKey: Self.key), nowSeconds: Self.now) == nil)
        let deleted = Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 3)], deletion: Fixtures.deletion(at: 3))
        #expect(ReadReconciler.liveView(of: deleted, nowSeconds: Self.now) == nil)
    }

    // MARK: Random reconciliation against a model

    /// Three replicas each hold random versions of a few cells, row deletions, range
    /// tombstones and partition deletions; every order of their answers reconciles to what a
    /// brute-force model says is visible.
    @Test(arguments: 0..<20 as Range<UInt64>)
    func everyOrderMatchesTheModel(seed: UInt64) {
        let random = SeededRandomSource(seed: 900 + seed)
        let keys = [Fixtures.storageKey(10), Fixtures.storageKey(11), Fixtures.storageKey(12)]
        let replicas = (0..<3).map { _ in Self.randomResponse(random, keys: keys) }
        let expected = Self.model(replicas)
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let merged = ReadReconciler.merge(order.map { replicas[$0] })
            let live = merged.partitions.compactMap { ReadReconciler.liveView(of: $0, nowSeconds: Self.now) }
            var visible: [VisibleCell: [UInt8]] = [:]
            for partition in live {
                for row in partition.rows {
                    for cell in row.cells {
                        visible[VisibleCell(key: partition.partitionKey, clustering: row.clustering, column: cell.column)] = cell.value
                    }
                }
            }
            #expect(visible == expected, "seed \(seed) order \(order)")
            let keys = merged.partitions.map(\.partitionKey)
            #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    struct VisibleCell: Hashable {
        var key: [UInt8]
        var clustering: [UInt8]
        var column: UInt32
    }

    static func randomResponse(_ random: SeededRandomSource, keys: [[UInt8]]) -> ReadResponse {
        var partitions: [PartitionUpdate] = []
        for key in keys where random.chance(0.8) {
            var partition = PartitionUpdate(partitionKey: key)
            if random.chance(0.2) { partition.partitionDeletion = Fixtures.deletion(at: Int64(random.next(in: 0..<20))) }
            if random.chance(0.3) {
                let low = UInt8(random.next(in: 0..<4)), high = UInt8(random.next(in: 0..<4))
                partition.rangeTombstones = [RangeTombstone(
                    start: ClusteringBound(prefix: [low], isInclusive: random.chance(0.5)),
                    end: ClusteringBound(prefix: [high], isInclusive: random.chance(0.5)),
                    deletion: Fixtures.deletion(at: Int64(random.next(in: 0..<20))))]
            }
            for clustering in 0..<4 as Range<UInt8> where random.chance(0.6) {
                var cells: [Cell] = []
                for column in 1...2 as ClosedRange<UInt32> where random.chance(0.7) {
                    let timestamp = Int64(random.next(in: 0..<20))
                    switch random.next(in: 0..<4) {
                    case 0: cells.append(.tombstone(column: column, timestamp: timestamp, nowSeconds: now))
                    case 1: cells.append(.expiring(column: column, timestamp: timestamp, value: [UInt8(random.next(in: 0..<200))],
                                                   ttlSeconds: 5, nowSeconds: now - Int64(random.next(in: 0..<10))))
                    default: cells.append(.live(column: column, timestamp: timestamp, value: [UInt8(random.next(in: 0..<200))]))
                    }
                }
                let deletion = random.chance(0.2) ? Fixtures.deletion(at: Int64(random.next(in: 0..<20))) : nil
                partition.rows.append(Row(clustering: [clustering], deletion: deletion, unsortedCells: cells))
            }
            partitions.append(partition)
        }
        return ReadResponse(partitions: partitions, isExhausted: true)
    }

    /// What is visible: per cell, the version that supersedes all others, if it is live and
    /// no deletion that covers it (partition, range, row) has a timestamp at or above it.
    static func model(_ responses: [ReadResponse]) -> [VisibleCell: [UInt8]] {
        var winners: [VisibleCell: Cell] = [:]
        var deletions: [VisibleCell: Int64] = [:]  // newest deletion timestamp covering a cell
        let partitions = responses.flatMap(\.partitions)
        for partition in partitions {
            for row in partition.rows {
                for cell in row.cells {
                    let id = VisibleCell(key: partition.partitionKey, clustering: row.clustering, column: cell.column)
                    if let current = winners[id], !cell.supersedes(current) { continue }
                    winners[id] = cell
                }
            }
        }
        for id in winners.keys {
            for partition in partitions where partition.partitionKey == id.key {
                var covering = [partition.partitionDeletion].compactMap { $0 }
                covering += partition.rangeTombstones.filter { $0.covers(id.clustering) }.map(\.deletion)
                covering += partition.rows.filter { $0.clustering == id.clustering }.compactMap(\.deletion)
                for deletion in covering { deletions[id] = max(deletions[id] ?? .min, deletion.timestamp) }
            }
        }
        var visible: [VisibleCell: [UInt8]] = [:]
        for (id, cell) in winners where cell.isLive(nowSeconds: now) && cell.timestamp > (deletions[id] ?? .min) {
            visible[id] = cell.value
        }
        return visible
    }

    // MARK: Batches

    @Test func mutationsOfOnePartitionAreMergedAndOthersKeptInOrder() {
        let otherTable = TableID(high: 9, low: 9)
        let mutations = [
            Fixtures.mutation(Fixtures.partition(Self.key, rows: [Fixtures.row([1], "a", at: 1)])),
            Mutation(table: otherTable, update: Fixtures.partition(Self.key, rows: [Fixtures.row([1], "other table", at: 1)])),
            Fixtures.mutation(Fixtures.partition(Self.later, rows: [Fixtures.row([1], "later", at: 1)])),
            Fixtures.mutation(Fixtures.partition(Self.key, rows: [Fixtures.row([0], "c", at: 1), Fixtures.row([1], "b", at: 2)],
                                                 deletion: Fixtures.deletion(at: 0))),
        ]
        let merged = Mutation.merged(mutations)
        #expect(merged.map(\.table) == [Fixtures.table, otherTable, Fixtures.table])
        #expect(merged.map(\.update.partitionKey) == [Self.key, Self.key, Self.later])
        #expect(Fixtures.values([merged[0].update]) == ["c", "b"])
        #expect(merged[0].update.partitionDeletion == Fixtures.deletion(at: 0))
        #expect(Mutation.merged([mutations[0]]) == [mutations[0]])
        #expect(Mutation.merged([]) == [])
    }
}
