import CQL
import KVCore
@testable import kvnode
@testable import LSMStore
import Testing

/// A plain INSERT's `singleRowWrite` is byte for byte the commit-log payload of the
/// mutation `mutations` builds for the same execution, and every other statement keeps to
/// `mutations`.
@Suite struct SingleRowWriteTests {
    static let table = TableID(high: 7, low: 9)

    /// `CREATE TABLE t (k text, c int, w int, v blob, f frozen<list<int>>, s set<int>, PRIMARY KEY (k, c))`,
    /// its columns declared out of id order.
    static func layout(clustered: Bool = true, defaultTimeToLive: Int32 = 0) -> TableLayout {
        var columns = [
            SchemaColumn(id: 5, name: "v", kind: .regular, position: -1, descending: false, type: .blob),
            SchemaColumn(id: 1, name: "k", kind: .partitionKey, position: 0, descending: false, type: .text),
            SchemaColumn(id: 3, name: "w", kind: .regular, position: -1, descending: false, type: .int),
            SchemaColumn(id: 6, name: "f", kind: .regular, position: -1, descending: false, type: .frozen(.list(.int))),
            SchemaColumn(id: 7, name: "s", kind: .regular, position: -1, descending: false, type: .set(.int)),
        ]
        if clustered { columns.append(SchemaColumn(id: 2, name: "c", kind: .clustering, position: 0, descending: true, type: .int)) }
        return TableLayout(TableSchema(keyspace: "ks", name: "t", id: table, columns: columns, nextColumnID: 8,
                                       defaultTimeToLive: defaultTimeToLive, timestamp: 1))
    }

    static let context = TermContext(nowMicros: 1_000_000, timeUUID: { fatalError("no timeuuid here") },
                                     randomUUID: { fatalError("no uuid here") })

    static func plan(_ cql: String, layout: TableLayout = layout()) throws -> ModificationPlan {
        guard case .insert(let insert) = try CQLParser.parseStatement(cql) else {
            throw ErrorResponse(.invalid, message: "not an INSERT: \(cql)")
        }
        return try ModificationPlan.insert(insert, layout: layout, context: context)
    }

    static func int(_ value: Int32) -> ProtocolValue { .bytes(withUnsafeBytes(of: value.bigEndian) { Array($0) }) }

    /// The payload `mutations` makes of one execution, and `singleRowWrite`'s.
    static func payloads(_ plan: ModificationPlan, _ values: [ProtocolValue]) throws -> ([UInt8], [UInt8]?) {
        let bindings = Bindings(values: values, context: context)
        let mutations = try plan.mutations(bindings, writeTimestamp: 1234, nowSeconds: 99)
        try #require(mutations.count == 1)
        var general = ByteWriter()
        PartitionUpdateCodec.encode(mutations[0].update, table: mutations[0].table, into: &general)
        let single = try plan.singleRowWrite(bindings, writeTimestamp: 1234, nowSeconds: 99) { _ in true }
        if let single {
            #expect(single.partitionKey == mutations[0].update.partitionKey)
            #expect(single.table == mutations[0].table && single.timestamp == 1234)
        }
        return (general.bytes, single?.payload)
    }

    @Test(arguments: [
        // Values set, in column order or not; a frozen collection is one value.
        "INSERT INTO ks.t (k, c, v, w, f) VALUES (?, ?, ?, ?, ?)",
        "INSERT INTO ks.t (w, f, k, v, c) VALUES (?, ?, ?, ?, ?)",
    ])
    func plainInsertsEncodeAsTheirMutation(cql: String) throws {
        let plan = try Self.plan(cql)
        let byName: [String: ProtocolValue] = [
            "k": .bytes(Array("user-1".utf8)), "c": Self.int(-4), "v": .bytes([UInt8](repeating: 0xAB, count: 300)),
            "w": Self.int(7), "f": .bytes([0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 5]),
        ]
        let names = cql.split(separator: "(")[1].split(separator: ")")[0].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        for variant in [[String: ProtocolValue](), ["w": .null], ["v": .notSet], ["w": .notSet, "f": .null]] {
            let values = names.map { variant[$0] ?? byName[$0]! }
            let (general, single) = try Self.payloads(plan, values)
            #expect(single == general, "\(variant)")
        }
    }

    @Test func aTableWithoutClusteringAndManyCellsEncodesAsItsMutation() throws {
        // No clustering column; a row of over 127 cells has a two-byte cell count.
        var columns = [SchemaColumn(id: 1, name: "k", kind: .partitionKey, position: 0, descending: false, type: .blob)]
        for id in 2...200 {
            columns.append(SchemaColumn(id: UInt32(id), name: "c\(id)", kind: .regular, position: -1, descending: false, type: .int))
        }
        let layout = TableLayout(TableSchema(keyspace: "ks", name: "t", id: Self.table, columns: columns,
                                             nextColumnID: 201, timestamp: 1))
        let names = ["k"] + (2...200).map { "c\($0)" }
        let plan = try Self.plan("INSERT INTO ks.t (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))",
                                 layout: layout)
        let (general, single) = try Self.payloads(plan, [.bytes([1, 2, 3])] + (2...200).map { Self.int(Int32($0)) })
        #expect(single == general)
    }

    @Test func aCompositePartitionKeyEncodesAsItsMutation() throws {
        let columns = [
            SchemaColumn(id: 1, name: "a", kind: .partitionKey, position: 0, descending: false, type: .int),
            SchemaColumn(id: 2, name: "b", kind: .partitionKey, position: 1, descending: false, type: .text),
            SchemaColumn(id: 3, name: "v", kind: .regular, position: -1, descending: false, type: .blob),
        ]
        let layout = TableLayout(TableSchema(keyspace: "ks", name: "t", id: Self.table, columns: columns,
                                             nextColumnID: 4, timestamp: 1))
        let plan = try Self.plan("INSERT INTO ks.t (b, v, a) VALUES (?, ?, ?)", layout: layout)
        let (general, single) = try Self.payloads(plan, [.bytes(Array("x".utf8)), .bytes([9]), Self.int(3)])
        #expect(single == general)
    }

    @Test(arguments: [
        "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?) USING TTL 10",
        "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?) USING TIMESTAMP 5",
        "INSERT INTO ks.t (k, c, s) VALUES (?, ?, ?)",  // A non-frozen set: a cell per element.
        "INSERT INTO ks.t JSON ?",
    ])
    func otherInsertsKeepToMutations(cql: String) throws {
        #expect(try Self.plan(cql).simpleRowWrites == nil)
    }

    @Test func aTableDefaultTTLKeepsToMutations() throws {
        let plan = try Self.plan("INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)", layout: Self.layout(defaultTimeToLive: 60))
        #expect(plan.simpleRowWrites == nil)
    }

    @Test func aRefusedPartitionOrAnInvalidTimestampBuildsNothing() throws {
        let plan = try Self.plan("INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)")
        let bindings = Bindings(values: [.bytes([1]), Self.int(1), .bytes([2])], context: Self.context)
        var asked: [UInt8]?
        let refused = try plan.singleRowWrite(bindings, writeTimestamp: 1, nowSeconds: 1) { key in
            asked = key
            return false
        }
        #expect(refused == nil)
        #expect(asked == (try plan.mutations(bindings, writeTimestamp: 1, nowSeconds: 1))[0].update.partitionKey)
        #expect(throws: ErrorResponse.self) {
            _ = try plan.singleRowWrite(bindings, writeTimestamp: .min, nowSeconds: 1) { _ in true }
        }
    }
}
