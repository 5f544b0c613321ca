/// Token access and the small expect/accept helpers every rule uses.
extension CQLParser {
    /// The token under the cursor (`.endOfInput` at the end).
    var current: CQLToken { tokens[min(index, tokens.count - 1)] }

    /// The token `distance` past the cursor (`.endOfInput` past the end).
    func peek(_ distance: Int) -> CQLToken { tokens[min(index + distance, tokens.count - 1)] }

    /// Moves past the current token and returns it.
    @discardableResult
    mutating func advance() -> CQLToken {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Consumes the keyword if it is next.
    mutating func acceptKeyword(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        advance()
        return true
    }

    /// Consumes the keyword or throws "mismatched input".
    mutating func expectKeyword(_ keyword: String) throws(CQLSyntaxError) {
        guard acceptKeyword(keyword) else { throw .mismatched(current, expecting: keyword.uppercased()) }
    }

    /// Consumes the symbol if it is next.
    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    /// Consumes the symbol or throws "mismatched input".
    mutating func expectSymbol(_ symbol: String) throws(CQLSyntaxError) {
        guard acceptSymbol(symbol) else { throw .mismatched(current, expecting: "'\(symbol)'") }
    }

    /// Throws unless the whole input has been consumed.
    func expectEnd() throws(CQLSyntaxError) {
        guard current.kind == .endOfInput else { throw .mismatched(current, expecting: "<EOF>") }
    }

    /// Whether the current token can be an identifier (unreserved word or quoted).
    var currentIsIdentifier: Bool {
        switch current.kind {
        case .quotedIdentifier: return true
        case .identifier: return !CQLKeywords.reserved.contains(current.value)
        default: return false
        }
    }

    /// Consumes an identifier: unquoted (lower case) or quoted (case kept).
    mutating func parseIdentifier() throws(CQLSyntaxError) -> String {
        guard currentIsIdentifier else {
            throw current.kind == .endOfInput || current.kind == .identifier
                ? .mismatched(current, expecting: "identifier")
                : .noViableAlternative(current)
        }
        return advance().value
    }

    /// Consumes `[ks.]name`.
    mutating func parseQualifiedName() throws(CQLSyntaxError) -> CQLQualifiedName {
        let first = try parseIdentifier()
        guard acceptSymbol(".") else { return CQLQualifiedName(first) }
        return CQLQualifiedName(keyspace: first, try parseIdentifier())
    }

    /// Consumes `IF NOT EXISTS` if present.
    mutating func parseIfNotExists() throws(CQLSyntaxError) -> Bool {
        guard acceptKeyword("if") else { return false }
        try expectKeyword("not")
        try expectKeyword("exists")
        return true
    }

    /// Consumes `IF EXISTS` if present.
    mutating func parseIfExists() throws(CQLSyntaxError) -> Bool {
        guard acceptKeyword("if") else { return false }
        try expectKeyword("exists")
        return true
    }

    /// Enters one level of nesting, throwing past `CQLParserLimits.nestingDepthMax`; pair
    /// with `leaveNesting()`.
    mutating func enterNesting() throws(CQLSyntaxError) {
        guard depth < CQLParserLimits.nestingDepthMax else {
            throw .invalid(current, "nesting too deep at input '\(current.text)' (at most \(CQLParserLimits.nestingDepthMax) levels)")
        }
        depth += 1
    }

    /// Leaves one level of nesting.
    mutating func leaveNesting() {
        depth -= 1
    }

    /// Parses `item (, item)*` with `parseItem`.
    mutating func parseCommaSeparated<Item>(
        _ parseItem: (inout CQLParser) throws(CQLSyntaxError) -> Item
    ) throws(CQLSyntaxError) -> [Item] {
        var items = [try parseItem(&self)]
        while acceptSymbol(",") {
            items.append(try parseItem(&self))
        }
        return items
    }

    /// Parses `( identifier, ... )`.
    mutating func parseParenthesizedIdentifiers() throws(CQLSyntaxError) -> [String] {
        try expectSymbol("(")
        let names = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
            try parser.parseIdentifier()
        }
        try expectSymbol(")")
        return names
    }
}
