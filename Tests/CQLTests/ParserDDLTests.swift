import Testing

@testable import CQL

@Suite struct ParserDDLTests {
    static let cases: [(String, CQLStatement)] = [
        ("USE ks", .use(keyspace: "ks")),
        ("use \"MyKs\";", .use(keyspace: "MyKs")),
        (
            "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
            .createKeyspace(
                CQLCreateKeyspace(
                    name: "ks", ifNotExists: true,
                    options: CQLKeyspaceOptions(replication: ["class": "SimpleStrategy", "replication_factor": "3"])))
        ),
        (
            "CREATE KEYSPACE ks WITH REPLICATION = {'class': 'NetworkTopologyStrategy', 'dc1': '3', 'dc2': 2} AND durable_writes = false",
            .createKeyspace(
                CQLCreateKeyspace(
                    name: "ks",
                    options: CQLKeyspaceOptions(
                        replication: ["class": "NetworkTopologyStrategy", "dc1": "3", "dc2": "2"], durableWrites: false)))
        ),
        (
            "ALTER KEYSPACE ks WITH durable_writes = true AND foo = 'bar'",
            .alterKeyspace(
                name: "ks",
                options: CQLKeyspaceOptions(durableWrites: true, otherProperties: [CQLProperty(name: "foo", value: .string("bar"))]))
        ),
        ("DROP KEYSPACE ks", .dropKeyspace(name: "ks", ifExists: false)),
        ("DROP KEYSPACE IF EXISTS ks", .dropKeyspace(name: "ks", ifExists: true)),
        (
            "CREATE TABLE t (k int PRIMARY KEY, v text)",
            .createTable(
                CQLCreateTable(
                    name: CQLQualifiedName("t"),
                    columns: [.init(name: "k", type: .native(.int)), .init(name: "v", type: .native(.text))],
                    partitionKey: ["k"]))
        ),
        (
            """
            CREATE TABLE IF NOT EXISTS ks."Events" (
                tenant uuid, day date, at timestamp, id timeuuid, seen boolean STATIC,
                tags set<text>, attrs map<text, text>, hist list<frozen<tuple<int, double>>>, addr "Address",
                PRIMARY KEY ((tenant, day), at, id)
            ) WITH CLUSTERING ORDER BY (at DESC, id ASC)
              AND default_time_to_live = 3600 AND gc_grace_seconds = 86400
              AND compaction = {'class': 'SizeTieredCompactionStrategy', 'min_threshold': 4}
              AND comment = 'events' AND bloom_filter_fp_chance = 0.01
            """,
            .createTable(
                CQLCreateTable(
                    name: CQLQualifiedName(keyspace: "ks", "Events"), ifNotExists: true,
                    columns: [
                        .init(name: "tenant", type: .native(.uuid)), .init(name: "day", type: .native(.date)),
                        .init(name: "at", type: .native(.timestamp)), .init(name: "id", type: .native(.timeuuid)),
                        .init(name: "seen", type: .native(.boolean), isStatic: true),
                        .init(name: "tags", type: .set(.native(.text))),
                        .init(name: "attrs", type: .map(key: .native(.text), value: .native(.text))),
                        .init(name: "hist", type: .list(.frozen(.tuple([.native(.int), .native(.double)])))),
                        .init(name: "addr", type: .userDefined(CQLQualifiedName("Address"))),
                    ],
                    partitionKey: ["tenant", "day"], clusteringColumns: ["at", "id"],
                    options: CQLTableOptions(
                        clusteringOrder: [.init(column: "at", isDescending: true), .init(column: "id")],
                        defaultTimeToLiveSeconds: 3600, gcGraceSeconds: 86400,
                        compaction: ["class": "SizeTieredCompactionStrategy", "min_threshold": "4"],
                        comment: "events",
                        otherProperties: [CQLProperty(name: "bloom_filter_fp_chance", value: .float("0.01"))])))
        ),
        (
            "CREATE TABLE t (a bigint, b varint, PRIMARY KEY (a))",
            .createTable(
                CQLCreateTable(
                    name: CQLQualifiedName("t"),
                    columns: [.init(name: "a", type: .native(.bigint)), .init(name: "b", type: .native(.varint))],
                    partitionKey: ["a"]))
        ),
        (
            "ALTER TABLE ks.t ADD c counter",
            .alterTable(name: CQLQualifiedName(keyspace: "ks", "t"), change: .addColumns([.init(name: "c", type: .native(.counter))]))
        ),
        (
            "ALTER TABLE t ADD (a int, b blob)",
            .alterTable(
                name: CQLQualifiedName("t"),
                change: .addColumns([.init(name: "a", type: .native(.int)), .init(name: "b", type: .native(.blob))]))
        ),
        ("ALTER TABLE t DROP c", .alterTable(name: CQLQualifiedName("t"), change: .dropColumns(["c"]))),
        ("ALTER TABLE t DROP (c, d)", .alterTable(name: CQLQualifiedName("t"), change: .dropColumns(["c", "d"]))),
        (
            "ALTER TABLE t WITH comment = 'x' AND gc_grace_seconds = 10",
            .alterTable(name: CQLQualifiedName("t"), change: .options(CQLTableOptions(gcGraceSeconds: 10, comment: "x")))
        ),
        ("DROP TABLE t", .dropTable(name: CQLQualifiedName("t"), ifExists: false)),
        ("DROP TABLE IF EXISTS ks.t", .dropTable(name: CQLQualifiedName(keyspace: "ks", "t"), ifExists: true)),
        ("TRUNCATE t", .truncate(CQLQualifiedName("t"))),
        ("TRUNCATE TABLE ks.t", .truncate(CQLQualifiedName(keyspace: "ks", "t"))),
        (
            "CREATE TYPE IF NOT EXISTS ks.address (street text, zip int, phones frozen<set<text>>)",
            .createType(
                CQLCreateType(
                    name: CQLQualifiedName(keyspace: "ks", "address"), ifNotExists: true,
                    fields: [
                        .init(name: "street", type: .native(.text)), .init(name: "zip", type: .native(.int)),
                        .init(name: "phones", type: .frozen(.set(.native(.text)))),
                    ]))
        ),
        ("DROP TYPE address", .dropType(name: CQLQualifiedName("address"), ifExists: false)),
        ("DROP TYPE IF EXISTS ks.address", .dropType(name: CQLQualifiedName(keyspace: "ks", "address"), ifExists: true)),
    ]

    @Test(arguments: cases)
    func parses(text: String, expected: CQLStatement) throws {
        #expect(try CQLParser.parseStatement(text) == expected)
    }

    @Test func everyNativeTypeParses() throws {
        for native in CQLNativeType.allCases {
            #expect(try CQLParser.parseType(native.rawValue.uppercased()) == .native(native))
        }
    }

    @Test func nestedTypes() throws {
        #expect(
            try CQLParser.parseType("map<text, frozen<list<map<int, tuple<int, text>>>>>")
                == .map(
                    key: .native(.text),
                    value: .frozen(.list(.map(key: .native(.int), value: .tuple([.native(.int), .native(.text)]))))))
    }
}
