import Testing

@testable import CQL

/// The syntax error `text` produces, or nil if it parses.
private func syntaxError(_ text: String) -> CQLSyntaxError? {
    do {
        _ = try CQLParser.parseStatement(text)
        return nil
    } catch {
        return error
    }
}

@Suite struct ParserErrorTests {
    @Test func misspelledFromPointsAtTheToken() throws {
        let error = try #require(syntaxError("SELECT * FORM t"))
        #expect(error.line == 1)
        #expect(error.column == 10)
        #expect(error.token == "FORM")
        #expect(error.message == "line 1:9 mismatched input 'FORM' expecting FROM")
    }

    @Test func unknownStatementIsNoViableAlternative() throws {
        let error = try #require(syntaxError("SELEC * FROM t"))
        #expect(error.message == "line 1:0 no viable alternative at input 'SELEC'")
    }

    static let cases: [(text: String, line: Int, column: Int, token: String)] = [
        ("SELECT * FROM t WHERE k = 'abc", 1, 27, "'abc"),
        ("CREATE TABLE t (k int PRIMARY KEY, v list<>)", 1, 43, ">"),
        ("CREATE TABLE t (k int PRIMARY KEY, v map<int>)", 1, 38, "map"),
        ("CREATE TABLE t (k int PRIMARY KEY, v select)", 1, 38, "select"),
        ("CREATE TABLE t (k int PRIMARY KEY, v)", 1, 37, ")"),
        ("CREATE TABLE t (k int, v text)", 1, 30, ")"),
        ("CREATE TABLE t (k int PRIMARY KEY, v int PRIMARY KEY)", 1, 42, "PRIMARY"),
        ("SELECT * FROM t WHERE", 1, 22, "<EOF>"),
        ("SELECT * FROM t WHERE k", 1, 24, "<EOF>"),
        ("SELECT * FROM t WHERE k = 1 extra", 1, 29, "extra"),
        ("SELECT * FROM t\nWHERE k == 1", 2, 10, "="),
        ("INSERT INTO t (a, b) VALUES (1)", 1, 29, "("),
        ("INSERT INTO t (a) VALUES (1) USING TTL 1 AND TTL 2", 1, 46, "TTL"),
        ("UPDATE t SET c = d + 1 WHERE k = 1", 1, 18, "d"),
        ("DELETE FROM t USING TTL 5 WHERE k = 1", 1, 21, "TTL"),
        ("BEGIN BATCH USING TIMESTAMP 1 AND TTL 2 APPLY BATCH", 1, 35, "TTL"),
        ("SELECT * FROM t WHERE k = 1 OR", 1, 31, "<EOF>"),
        ("SELECT * FROM t WHERE (k = 1", 1, 29, "<EOF>"),
        ("SELECT * FROM t WHERE k IS NOT 1", 1, 32, "1"),
        ("SELECT * FROM t WHERE m[ = 1", 1, 26, "="),
        ("INSERT INTO t (k) VALUES ({1: 2, 3})", 1, 35, "}"),
        ("BEGIN BATCH SELECT * FROM t APPLY BATCH", 1, 13, "SELECT"),
        ("CREATE TABLE t (k int PRIMARY KEY) WITH default_time_to_live = 'x'", 1, 64, "'x'"),
        ("CREATE KEYSPACE ks WITH replication = 3", 1, 39, "3"),
        ("DROP VIEW v", 1, 6, "VIEW"),
        ("", 1, 1, "<EOF>"),
        ("SELECT * FROM select", 1, 15, "select"),
    ]

    @Test(arguments: cases)
    func reportsPosition(text: String, line: Int, column: Int, token: String) throws {
        let error = try #require(syntaxError(text))
        #expect(error.line == line, "\(error)")
        #expect(error.column == column, "\(error)")
        #expect(error.token == token, "\(error)")
    }

    @Test func deepNestingIsRejectedNotCrashed() throws {
        let depth = CQLParserLimits.nestingDepthMax + 10
        let nestedList = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let listError = try #require(syntaxError("INSERT INTO t (k) VALUES (\(nestedList))"))
        #expect(listError.message.contains("nesting too deep"))
        let nestedWhere = String(repeating: "(", count: depth) + "a = 1" + String(repeating: ")", count: depth)
        #expect(try #require(syntaxError("SELECT * FROM t WHERE \(nestedWhere)")).message.contains("nesting too deep"))
        let nots = String(repeating: "NOT ", count: 100_000) + "a = 1"
        #expect(throws: CQLSyntaxError.self) { try CQLParser.parseWhereExpression(nots) }
        let types = String(repeating: "frozen<", count: depth) + "int" + String(repeating: ">", count: depth)
        #expect(throws: CQLSyntaxError.self) { try CQLParser.parseType(types) }
    }

    @Test func nestingWithinTheLimitParses() throws {
        let depth = CQLParserLimits.nestingDepthMax / 2
        let nestedList = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try CQLParser.parseStatement("INSERT INTO t (k) VALUES (\(nestedList))")
    }
}
