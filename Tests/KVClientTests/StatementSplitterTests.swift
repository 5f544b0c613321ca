import KVClient
import Testing

/// Splitting shell input into statements.
@Suite struct StatementSplitterTests {
    private func texts(_ input: String) -> [String] { StatementSplitter.split(input).map(\.text) }

    @Test func splitsOnSemicolons() {
        #expect(texts("SELECT 1; SELECT 2;") == ["SELECT 1", "SELECT 2"])
        #expect(texts("SELECT 1;;  ; SELECT 2") == ["SELECT 1", "SELECT 2"])
    }

    @Test func ignoresSemicolonsInStringsAndIdentifiers() {
        #expect(texts("INSERT INTO t (k, v) VALUES (1, 'a;b''c;');") == ["INSERT INTO t (k, v) VALUES (1, 'a;b''c;')"])
        #expect(texts("SELECT \"we;ird\" FROM t;") == ["SELECT \"we;ird\" FROM t"])
    }

    @Test func ignoresSemicolonsInDollarQuotedBodies() {
        let text = "CREATE FUNCTION f() RETURNS int LANGUAGE java AS $$ return 1; $$; SELECT 1;"
        #expect(texts(text) == ["CREATE FUNCTION f() RETURNS int LANGUAGE java AS $$ return 1; $$", "SELECT 1"])
    }

    @Test func dropsComments() {
        let script = """
        -- a comment; with a semicolon
        SELECT * // another; one
          FROM t /* block ;
          comment */ WHERE k = 1;
        """
        #expect(texts(script) == ["SELECT * \n  FROM t   WHERE k = 1"])
    }

    @Test func statementsSpanLinesAndRememberTheirFirstLine() {
        var splitter = StatementSplitter()
        #expect(splitter.feed(line: "") == [])
        #expect(splitter.feed(line: "SELECT *") == [])
        #expect(splitter.isInsideStatement)
        #expect(splitter.feed(line: "FROM t; SELECT") == [StatementSplitter.Statement(text: "SELECT *\nFROM t", line: 2)])
        #expect(splitter.feed(line: "2;") == [StatementSplitter.Statement(text: "SELECT\n2", line: 3)])
        #expect(!splitter.isInsideStatement)
        #expect(splitter.finish() == nil)
    }

    @Test func quotedStringsSpanLines() {
        #expect(texts("INSERT INTO t (v) VALUES ('a\n;b');") == ["INSERT INTO t (v) VALUES ('a\n;b')"])
    }

    @Test func unterminatedLastStatementIsKept() {
        #expect(StatementSplitter.split("SELECT 1;\n\nSELECT 2") == [
            StatementSplitter.Statement(text: "SELECT 1", line: 1), StatementSplitter.Statement(text: "SELECT 2", line: 3),
        ])
    }

    @Test func shellCommandsNeedNoSemicolon() {
        #expect(texts("CONSISTENCY QUORUM\nSELECT 1;\nexit") == ["CONSISTENCY QUORUM", "SELECT 1", "exit"])
        #expect(texts("PAGING OFF; SELECT 1;") == ["PAGING OFF", "SELECT 1"])
    }

    @Test func shellCommandParsing() {
        #expect(ShellCommand.parse("CONSISTENCY") == .showConsistency)
        #expect(ShellCommand.parse("consistency local_quorum") == .setConsistency(.localQuorum))
        #expect(ShellCommand.parse("CONSISTENCY FOO") == .invalid("Improper CONSISTENCY command."))
        #expect(ShellCommand.parse("SERIAL CONSISTENCY LOCAL_SERIAL") == .setSerialConsistency(.localSerial))
        #expect(ShellCommand.parse("PAGING") == .showPaging)
        #expect(ShellCommand.parse("PAGING off") == .pagingOff)
        #expect(ShellCommand.parse("PAGING 50") == .pageSize(50))
        #expect(ShellCommand.parse("PAGING 0") == .invalid("Improper PAGING command."))
        #expect(ShellCommand.parse("quit") == .exit)
        #expect(ShellCommand.parse("SELECT * FROM t") == nil)
        #expect(ShellCommand.parse("USE ks") == nil)
    }
}
