/// A hand-written recursive-descent parser for CQL.
///
/// Entry points are the static `parseStatement(_:)` and `parseScript(_:)`; the parser is a
/// value that walks a token array produced by `CQLLexer`. It never traps: every malformed
/// input yields a `CQLSyntaxError`, and nesting is bounded by
/// `CQLParserLimits.nestingDepthMax`. Grammar after Cassandra's `Parser.g`.
public struct CQLParser: Sendable {
    let tokens: [CQLToken]
    var index = 0
    var depth = 0

    /// Creates a parser over lexed tokens (which must end with `.endOfInput`).
    init(tokens: [CQLToken]) {
        self.tokens = tokens
    }

    /// Parses exactly one statement, optionally followed by `;`.
    public static func parseStatement(_ text: String) throws(CQLSyntaxError) -> CQLStatement {
        var parser = CQLParser(tokens: try CQLLexer.tokenize(text))
        let statement = try parser.parseStatement()
        _ = parser.acceptSymbol(";")
        try parser.expectEnd()
        return statement
    }

    /// Parses statements separated by `;` (empty statements are skipped).
    public static func parseScript(_ text: String) throws(CQLSyntaxError) -> [CQLStatement] {
        var parser = CQLParser(tokens: try CQLLexer.tokenize(text))
        var statements: [CQLStatement] = []
        while true {
            while parser.acceptSymbol(";") {}
            if parser.current.kind == .endOfInput { return statements }
            guard statements.count < CQLParserLimits.statementCountMax else {
                throw .invalid(parser.current, "too many statements (at most \(CQLParserLimits.statementCountMax))")
            }
            statements.append(try parser.parseStatement())
            if parser.current.kind != .endOfInput {
                try parser.expectSymbol(";")
            }
        }
    }

    /// Parses a standalone WHERE expression (the row-filter API), e.g. `a = 1 OR NOT b > 2`.
    public static func parseWhereExpression(_ text: String) throws(CQLSyntaxError) -> CQLWhereExpression {
        var parser = CQLParser(tokens: try CQLLexer.tokenize(text))
        let expression = try parser.parseWhereExpression()
        try parser.expectEnd()
        return expression
    }

    /// Parses a standalone type, e.g. `map<text, frozen<list<int>>>`.
    public static func parseType(_ text: String) throws(CQLSyntaxError) -> CQLType {
        var parser = CQLParser(tokens: try CQLLexer.tokenize(text))
        let type = try parser.parseType()
        try parser.expectEnd()
        return type
    }

    /// Dispatches on the statement's first keyword.
    mutating func parseStatement() throws(CQLSyntaxError) -> CQLStatement {
        let token = current
        guard token.kind == .identifier else { throw .noViableAlternative(token) }
        if let message = parseUnsupportedStatement() { return .unsupported(message: message) }
        switch token.value {
        case "select": return .select(try parseSelect())
        case "insert": return .insert(try parseInsert())
        case "update": return .update(try parseUpdate())
        case "delete": return .delete(try parseDelete())
        case "begin": return .batch(try parseBatch())
        case "use": return try parseUse()
        case "create": return try parseCreate()
        case "alter": return try parseAlter()
        case "drop": return try parseDrop()
        case "truncate": return try parseTruncate()
        case "describe", "desc": return try parseDescribe()
        default: throw .noViableAlternative(token)
        }
    }
}
