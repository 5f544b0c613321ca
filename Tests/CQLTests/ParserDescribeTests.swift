import Testing

@testable import CQL

@Suite struct ParserDescribeTests {
    static let cases: [(String, CQLDescribe)] = [
        ("DESCRIBE KEYSPACES", CQLDescribe(.keyspaces)),
        ("desc keyspaces;", CQLDescribe(.keyspaces)),
        ("DESCRIBE SCHEMAS", CQLDescribe(.keyspaces)),
        ("DESCRIBE KEYSPACE", CQLDescribe(.keyspace(nil, only: false))),
        ("DESCRIBE KEYSPACE ks;", CQLDescribe(.keyspace("ks", only: false))),
        ("DESCRIBE ONLY KEYSPACE \"My Ks\"", CQLDescribe(.keyspace("My Ks", only: true))),
        ("DESCRIBE ONLY KEYSPACE", CQLDescribe(.keyspace(nil, only: true))),
        ("DESCRIBE SCHEMA ks", CQLDescribe(.keyspace("ks", only: false))),
        ("DESCRIBE TABLES", CQLDescribe(.tables)),
        ("DESCRIBE COLUMNFAMILIES", CQLDescribe(.tables)),
        ("DESCRIBE TABLE ks.t", CQLDescribe(.table(CQLQualifiedName(keyspace: "ks", "t")))),
        ("desc columnfamily t;", CQLDescribe(.table(CQLQualifiedName("t")))),
        ("DESCRIBE INDEX ks.i", CQLDescribe(.index(CQLQualifiedName(keyspace: "ks", "i")))),
        ("DESCRIBE MATERIALIZED VIEW v", CQLDescribe(.materializedView(CQLQualifiedName("v")))),
        ("DESCRIBE TYPES", CQLDescribe(.types)),
        ("DESCRIBE TYPE ks.address", CQLDescribe(.type(CQLQualifiedName(keyspace: "ks", "address")))),
        ("DESCRIBE FUNCTIONS", CQLDescribe(.functions)),
        ("DESCRIBE FUNCTION f", CQLDescribe(.function(CQLQualifiedName("f")))),
        ("DESCRIBE AGGREGATES", CQLDescribe(.aggregates)),
        ("DESCRIBE AGGREGATE ks.a", CQLDescribe(.aggregate(CQLQualifiedName(keyspace: "ks", "a")))),
        ("DESCRIBE SCHEMA", CQLDescribe(.schema(full: false))),
        ("DESCRIBE FULL SCHEMA;", CQLDescribe(.schema(full: true))),
        ("DESCRIBE CLUSTER", CQLDescribe(.cluster)),
        ("DESCRIBE ks", CQLDescribe(.name(CQLQualifiedName("ks")))),
        ("DESC ks.t;", CQLDescribe(.name(CQLQualifiedName(keyspace: "ks", "t")))),
        ("DESCRIBE \"Keyspaces\"", CQLDescribe(.name(CQLQualifiedName("Keyspaces")))),
        ("DESCRIBE types.t", CQLDescribe(.name(CQLQualifiedName(keyspace: "types", "t")))),
        ("DESCRIBE type", CQLDescribe(.name(CQLQualifiedName("type")))),
        ("DESCRIBE TABLE ks.t WITH INTERNALS", CQLDescribe(.table(CQLQualifiedName(keyspace: "ks", "t")), withInternals: true)),
        ("DESCRIBE KEYSPACE WITH INTERNALS;", CQLDescribe(.keyspace(nil, only: false), withInternals: true)),
        ("DESCRIBE TYPE t WITH INTERNALS", CQLDescribe(.type(CQLQualifiedName("t")), withInternals: true)),
    ]

    @Test(arguments: cases)
    func describeParses(_ text: String, _ expected: CQLDescribe) throws {
        #expect(try CQLParser.parseStatement(text) == .describe(expected))
    }

    @Test(arguments: ["DESCRIBE", "DESCRIBE TABLE", "DESCRIBE FULL", "DESCRIBE ONLY TABLE t", "DESCRIBE MATERIALIZED t",
                      "DESCRIBE KEYSPACES WITH", "DESCRIBE TABLE ks.t WITH OPTIONS", "DESCRIBE KEYSPACES extra"])
    func malformedDescribeIsASyntaxError(_ text: String) {
        #expect(throws: CQLSyntaxError.self) { try CQLParser.parseStatement(text) }
    }

    @Test func describeIsAScriptStatement() throws {
        let statements = try CQLParser.parseScript("DESC KEYSPACES; DESCRIBE TABLE ks.t;")
        #expect(statements == [.describe(CQLDescribe(.keyspaces)),
                               .describe(CQLDescribe(.table(CQLQualifiedName(keyspace: "ks", "t"))))])
    }
}
