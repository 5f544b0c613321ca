import KVCore
import LSMStore
import Testing

@testable import Coordinator

/// Filtered scans pushed down to replicas: the coordinator's paging over parallel
/// sub-ranges, and the wire format of the `filteredScan` verb.
@Suite struct FilteredScanTests {
    static let v = PredicateColumn(id: 1, kind: .regular, position: 0, type: .text)
    static let keyLayout = ScanKeyLayout(partitionKeyCount: 1, clusteringTypes: [.blob], clusteringOrders: [.ascending])

    /// `v >= "p2" OR v = "p10r1"`: text order, so p2*, p3*, ... and one more row.
    static let filter = RowPredicate.or([
        .test(ColumnTest(column: v, mapKey: nil, type: .text, test: .compare(.greaterThanOrEqual, Fixtures.value("p2")))),
        .test(ColumnTest(column: v, mapKey: nil, type: .text, test: .in([Fixtures.value("p10r1")]))),
    ])

    static func request(countOnly: Bool = false) -> ScanRequest {
        ScanRequest(table: Fixtures.table, from: nil, to: nil, filter: filter, keyLayout: keyLayout, columns: nil,
                    countOnly: countOnly)
    }

    /// Pages through the whole scan; returns the rows' values and the pages' sizes.
    static func scanAll(_ cluster: TestCluster, pageSize: Int, via index: Int,
                        _ replication: KeyspaceReplication) async throws -> (values: [String], pages: [Int]) {
        var values: [String] = [], pages: [Int] = []
        var after: RowPosition?
        repeat {
            let page = try await cluster.nodes[index].coordinator.scan(
                request(), after: after, pageSize: pageSize, budgetNanos: 60_000_000_000, replication: replication, consistency: .one)
            values += Fixtures.values(page.partitions)
            pages.append(page.matchedCount)
            #expect(page.matchedCount <= pageSize)
            #expect(page.statistics.values.reduce(0) { $0 + $1.rowsMatched } >= page.matchedCount)
            after = page.nextPosition
        } while after != nil
        return (values, pages)
    }

    @Test(arguments: [1, 3, 1000])
    func pagesReturnExactlyTheMatchingRowsInTokenOrder(pageSize: Int) async throws {
        let cluster = try StorageCoordinatorRangeTests.fiveNodes()
        let replication = try Fixtures.simple(3)
        _ = try await StorageCoordinatorRangeTests.load(cluster, replication)
        let all = try await cluster.scan(pageSize: 1000, at: .all, replication).rows
        let everything = try await Self.scanAllUnfiltered(cluster, replication)
        #expect(everything.count == all.count)
        let expected = everything.filter { $0 >= "p2" || $0 == "p10r1" }
        #expect(!expected.isEmpty && expected.count < everything.count)
        for via in [0, 2] {
            let (values, pages) = try await Self.scanAll(cluster, pageSize: pageSize, via: via, replication)
            #expect(values == expected, "page size \(pageSize) via \(via)")
            #expect(pages.dropLast().allSatisfy { $0 == pageSize }, "only the last page is short: \(pages)")
        }
        let counted = try await cluster.nodes[1].coordinator.scan(
            Self.request(countOnly: true), after: nil, pageSize: Int.max, budgetNanos: 60_000_000_000,
            replication: replication, consistency: .one)
        #expect(counted.matchedCount == expected.count && counted.partitions.isEmpty && counted.nextPosition == nil)
    }

    /// Every live row's value, in token order, through an unfiltered read at ALL.
    static func scanAllUnfiltered(_ cluster: TestCluster, _ replication: KeyspaceReplication) async throws -> [String] {
        let page = try await cluster.nodes[0].coordinator.readRange(table: Fixtures.table, after: nil, pageSize: 10_000,
                                                                   replication: replication, consistency: .all)
        return Fixtures.values(page.partitions)
    }

    @Test func commandsAndRepliesRoundTripAndDamageIsAnError() throws {
        let map = PredicateColumn(id: 7, kind: .regular, position: 0, type: .map(.text, .int))
        let udt = CQLDataType.frozen(.udt(keyspace: "ks", name: "address", fields: [CQLUDTField(name: "zip", type: .int)]))
        let tree = RowPredicate.and([
            Self.filter,
            .not(.test(ColumnTest(column: map, mapKey: Fixtures.value("plan"), type: .int, test: .compare(.lessThan, nil)))),
            .test(ColumnTest(column: map, mapKey: nil, type: map.type, test: .containsKey(Fixtures.value("lang")))),
            .test(ColumnTest(column: map, mapKey: nil, type: map.type, test: .contains([0, 0, 0, 1]))),
            .test(ColumnTest(column: PredicateColumn(id: 0, kind: .clustering, position: 1, type: udt), mapKey: nil, type: udt,
                             test: .isNotNull)),
            .test(ColumnTest(column: PredicateColumn(id: 0, kind: .partitionKey, position: 0, type: .list(.tuple([.int, .text]))),
                             mapKey: nil, type: .list(.tuple([.int, .text])), test: .isNull)),
        ])
        let command = ScanCommand(table: Fixtures.table, from: [1, 2], to: nil,
                                  after: RowPosition(partitionKey: [3], clustering: [4]), filter: tree,
                                  keyLayout: Self.keyLayout, columns: [1, 7], countOnly: true,
                                  maxMatchedRows: 5000, maxScannedRows: 131_072)
        let bytes = ScanMessageCodec.encode(command)
        #expect(try ScanMessageCodec.decodeCommand(bytes) == command)
        for cut in 0..<bytes.count { #expect(throws: DecodeError.self) { try ScanMessageCodec.decodeCommand(Array(bytes[..<cut])) } }

        let reply = ScanReply(partitions: [Fixtures.partition(Fixtures.storageKey(1), rows: [Fixtures.row([1], "x", at: 5)])],
                              matchedCount: 1, resumeAfter: RowPosition(partitionKey: [9], clustering: []),
                              statistics: ScanStatistics(rowsScanned: 10, rowsMatched: 1, blocksSkipped: 2, bytesRead: 300))
        let replyBytes = ScanMessageCodec.encode(reply)
        #expect(try ScanMessageCodec.decodeReply(replyBytes) == reply)
        for cut in 0..<replyBytes.count { #expect(throws: DecodeError.self) { try ScanMessageCodec.decodeReply(Array(replyBytes[..<cut])) } }
    }

    @Test func aPredicateNestedTooDeeplyIsRefused() {
        var tree = Self.filter
        for _ in 0..<ScanMessageCodec.maxPredicateDepth { tree = .not(tree) }
        let command = ScanCommand(table: Fixtures.table, from: nil, to: nil, filter: tree, keyLayout: Self.keyLayout,
                                  maxMatchedRows: 1, maxScannedRows: 1)
        #expect(throws: DecodeError.self) { try ScanMessageCodec.decodeCommand(ScanMessageCodec.encode(command)) }
    }

    @Test func blockBoundsRuleOutOnlyBlocksThatCannotMatch() {
        func block(_ low: String, _ high: String, count: Int = 3) -> BlockStatistics {
            BlockStatistics(rowCount: count, columns: [1: ColumnStatistics(liveCellCount: count, minSortKey: Fixtures.value(low),
                                                                            maxSortKey: Fixtures.value(high), maxIsExact: true)])
        }
        func test(_ op: ComparisonOperator, _ value: String) -> RowPredicate {
            .test(ColumnTest(column: Self.v, mapKey: nil, type: .text, test: .compare(op, Fixtures.value(value))))
        }
        #expect(!test(.equal, "z").mayMatch(block("a", "m")))
        #expect(test(.equal, "c").mayMatch(block("a", "m")))
        #expect(!test(.greaterThan, "n").mayMatch(block("a", "m")))
        #expect(!test(.lessThan, "0").mayMatch(block("a", "m")))
        #expect(test(.notEqual, "c").mayMatch(block("a", "m")))
        #expect(!RowPredicate.and([test(.equal, "c"), test(.equal, "z")]).mayMatch(block("a", "m")))
        #expect(RowPredicate.or([test(.equal, "c"), test(.equal, "z")]).mayMatch(block("a", "m")))
        #expect(RowPredicate.not(test(.equal, "z")).mayMatch(block("a", "m")), "NOT is never ruled out")
        #expect(test(.equal, "z").mayMatch(BlockStatistics(rowCount: 3)), "no bounds kept: may match")
        let double = PredicateColumn(id: 1, kind: .regular, position: 0, type: .double)
        let nan = RowPredicate.test(ColumnTest(column: double, mapKey: nil, type: .double, test: .compare(.greaterThan, [0, 0, 0, 0, 0, 0, 0, 0])))
        #expect(nan.mayMatch(block("a", "b")), "floating point has no exact bounds")
    }
}
