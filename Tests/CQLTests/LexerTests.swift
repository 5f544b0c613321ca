import Testing

@testable import CQL

/// The kinds and values of `text`'s tokens, without the end marker.
private func lex(_ text: String) throws -> [(CQLTokenKind, String)] {
    try CQLLexer.tokenize(text).dropLast().map { ($0.kind, $0.value) }
}

@Suite struct LexerTests {
    @Test func keywordsAndIdentifiersFoldToLowerCase() throws {
        let tokens = try lex("SELECT MyCol FROM Ks.TaBle")
        #expect(tokens.map(\.1) == ["select", "mycol", "from", "ks", ".", "table"])
        #expect(tokens.map(\.0) == [.identifier, .identifier, .identifier, .identifier, .symbol, .identifier])
    }

    @Test func quotedIdentifiersKeepCaseAndUnescape() throws {
        let tokens = try lex(#""MyTable" "a""b""#)
        #expect(tokens.map(\.0) == [.quotedIdentifier, .quotedIdentifier])
        #expect(tokens.map(\.1) == ["MyTable", "a\"b"])
    }

    @Test func stringLiterals() throws {
        let tokens = try lex("'it''s' $$a 'b' $c$$ ''")
        #expect(tokens.map(\.0) == [.string, .string, .string])
        #expect(tokens.map(\.1) == ["it's", "a 'b' $c", ""])
    }

    @Test(arguments: [
        ("42", CQLTokenKind.integer, "42"),
        ("-42", .integer, "-42"),
        ("1.5", .float, "1.5"),
        ("-1.5e-3", .float, "-1.5e-3"),
        ("2E10", .float, "2E10"),
        ("NaN", .float, "NaN"),
        ("-Infinity", .float, "-Infinity"),
        ("infinity", .float, "Infinity"),
        ("0xCAFE", .hexBlob, "cafe"),
        ("0x", .hexBlob, ""),
        ("TRUE", .boolean, "true"),
        ("123e4567-E89B-12d3-a456-426614174000", .uuid, "123e4567-e89b-12d3-a456-426614174000"),
        ("1h30m", .duration, "1h30m"),
        ("12mo3d", .duration, "12mo3d"),
        ("500ms", .duration, "500ms"),
        ("-2w", .duration, "-2w"),
        ("P1Y2M3DT4H5M6S", .duration, "P1Y2M3DT4H5M6S"),
        ("PT5S", .duration, "PT5S"),
        ("P2W", .duration, "P2W"),
        ("P1DT", .duration, "P1DT"),
        ("P0001-02-03T04:05:06", .duration, "P0001-02-03T04:05:06"),
        ("-P1D", .duration, "-P1D"),
        ("-P0001-02-03T04:05:06", .duration, "-P0001-02-03T04:05:06"),
    ])
    func literal(text: String, kind: CQLTokenKind, value: String) throws {
        let tokens = try lex(text)
        #expect(tokens.count == 1)
        #expect(tokens.first?.0 == kind)
        #expect(tokens.first?.1 == value)
    }

    @Test func minusAfterOperandIsASymbol() throws {
        #expect(try lex("c -1").map(\.1) == ["c", "-", "1"])
        #expect(try lex("c - 1").map(\.1) == ["c", "-", "1"])
        #expect(try lex("= -1").map(\.1) == ["=", "-1"])
        #expect(try lex("(-1, -2)").map(\.1) == ["(", "-1", ",", "-2", ")"])
    }

    @Test func isoDurationsNeedAnUpperCasePAndAnAmount() throws {
        #expect(try lex("p1d").map(\.0) == [.identifier])
        #expect(try lex("P").map(\.0) == [.identifier])
        #expect(try lex("PT").map(\.0) == [.identifier])
        #expect(try lex("P1Dx").map(\.0) == [.identifier])
        #expect(try lex("Place").map(\.0) == [.identifier])
        #expect(try lex("(P1D, -P2W)").map(\.1) == ["(", "P1D", ",", "-P2W", ")"])
        #expect(try lex("c -P1D").map(\.1) == ["c", "-", "P1D"])
        #expect(try lex("P0001-02-03").map(\.1) == ["p0001", "-", "02", "-", "03"])
    }

    @Test func operatorsAndBindMarkers() throws {
        let tokens = try lex("a != ? AND b <= :name AND c >= 1 AND d += [1]")
        #expect(tokens.map(\.1) == [
            "a", "!=", "?", "and", "b", "<=", ":", "name", "and", "c", ">=", "1", "and", "d", "+=", "[", "1", "]",
        ])
    }

    @Test func commentsAreSkipped() throws {
        let text = """
            SELECT -- a comment
            * // another
            /* block
               comment */ FROM t
            """
        #expect(try lex(text).map(\.1) == ["select", "*", "from", "t"])
    }

    @Test func tracksLineAndColumn() throws {
        let tokens = try CQLLexer.tokenize("SELECT a,\n  bb FROM\tt")
        let positions = tokens.map { [$0.line, $0.column] }
        #expect(positions == [[1, 1], [1, 8], [1, 9], [2, 3], [2, 6], [2, 11], [2, 12]])
        #expect(tokens.last?.kind == .endOfInput)
        #expect(tokens[3].text == "bb")
    }

    @Test func positionsAfterMultiLineLiterals() throws {
        let tokens = try CQLLexer.tokenize("'a\nbc' x /* \n\n */ y")
        #expect(tokens.map { [$0.line, $0.column] } == [[1, 1], [2, 5], [4, 5], [4, 6]])
    }

    @Test(arguments: [
        ("SELECT 'abc", 1, 8, "'abc"),
        ("\"abc", 1, 1, "\"abc"),
        ("a\n  $$x", 2, 3, "$$"),
        ("/* never closed", 1, 1, "/*"),
        ("a # b", 1, 3, "#"),
        ("12abc", 1, 3, "a"),
        ("0xZZ", 1, 3, "Z"),
    ])
    func lexicalErrors(text: String, line: Int, column: Int, token: String) {
        #expect {
            try CQLLexer.tokenize(text)
        } throws: { error in
            guard let error = error as? CQLSyntaxError else { return false }
            return error.line == line && error.column == column && error.token == token
        }
    }
}
