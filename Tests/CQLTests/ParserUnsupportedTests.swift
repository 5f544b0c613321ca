import CQL
import Testing

@Suite struct ParserUnsupportedTests {
    @Test(arguments: [
        ("CREATE INDEX ON t (v)", "Secondary indexes"),
        ("CREATE CUSTOM INDEX i ON t (v) USING 'org.apache.cassandra.index.sasi.SASIIndex'", "Secondary indexes"),
        ("DROP INDEX ks.i", "Secondary indexes"),
        ("CREATE MATERIALIZED VIEW mv AS SELECT * FROM t WHERE v IS NOT NULL PRIMARY KEY (v, k)", "Materialized views"),
        ("CREATE OR REPLACE FUNCTION f (a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a;'",
         "User-defined functions"),
        ("CREATE AGGREGATE a (int) SFUNC f STYPE int", "User-defined functions"),
        ("CREATE TRIGGER tr ON t USING 'x'", "Triggers"),
        ("CREATE ROLE r WITH PASSWORD = 'p' AND LOGIN = true", "Authentication"),
        ("GRANT SELECT ON ks.t TO r", "Authentication"),
        ("LIST ROLES", "Authentication"),
    ])
    func validCQLOfMissingFeaturesIsNamedNotASyntaxError(_ text: String, _ feature: String) throws {
        guard case .unsupported(let message) = try CQLParser.parseStatement(text) else {
            Issue.record("not recognised: \(text)")
            return
        }
        #expect(message.hasPrefix(feature))
    }

    @Test func scriptsGoOnAfterAnUnsupportedStatement() throws {
        let statements = try CQLParser.parseScript("CREATE FUNCTION f () RETURNS int LANGUAGE java AS 'a; b'; TRUNCATE t")
        #expect(statements.count == 2)
        #expect(statements.last == .truncate(CQLQualifiedName("t")))
    }

    @Test func tablesAndKeyspacesStillParse() throws {
        #expect(throws: Never.self) { try CQLParser.parseStatement("CREATE TABLE t (k int PRIMARY KEY)") }
        #expect(throws: Never.self) { try CQLParser.parseStatement("DROP TABLE t") }
    }
}
