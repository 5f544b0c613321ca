/// Terms: literals, collections, tuples, bind markers and function calls.
extension CQLParser {
    /// Parses one term.
    mutating func parseTerm() throws(CQLSyntaxError) -> CQLTerm {
        try enterNesting()
        defer { leaveNesting() }
        if let literal = parseLiteral() { return literal }
        let token = current
        switch token.kind {
        case .symbol: return try parseSymbolTerm()
        case .identifier, .quotedIdentifier:
            if token.isKeyword("null") {
                advance()
                return .null
            }
            if isFunctionCallAhead { return try parseFunctionCallTerm() }
            throw .noViableAlternative(token)
        default:
            throw .noViableAlternative(token)
        }
    }

    /// Consumes a literal token (string, number, boolean, uuid, blob, duration) if next.
    mutating func parseLiteral() -> CQLTerm? {
        let token = current
        let term: CQLTerm
        switch token.kind {
        case .string: term = .string(token.value)
        case .integer: term = .integer(token.value)
        case .float: term = .float(token.value)
        case .boolean: term = .boolean(token.value == "true")
        case .uuid: term = .uuid(token.value)
        case .hexBlob: term = .blob(token.value)
        case .duration: term = .duration(token.value)
        default: return nil
        }
        advance()
        return term
    }

    /// Parses a term that starts with punctuation: markers, collections, tuples, `-number`.
    mutating func parseSymbolTerm() throws(CQLSyntaxError) -> CQLTerm {
        let token = current
        switch token.value {
        case "?":
            advance()
            return .bindMarker
        case ":":
            advance()
            return .namedBindMarker(try parseBindMarkerName())
        case "[":
            return .list(try parseDelimitedTerms(open: "[", close: "]"))
        case "(":
            return .tuple(try parseDelimitedTerms(open: "(", close: ")"))
        case "{":
            return try parseBraceTerm()
        case "-":
            return try parseNegatedLiteral()
        default:
            throw .noViableAlternative(token)
        }
    }

    /// The name after `:` in a named bind marker (reserved words allowed, as in Cassandra).
    mutating func parseBindMarkerName() throws(CQLSyntaxError) -> String {
        guard current.kind == .identifier || current.kind == .quotedIdentifier else {
            throw .mismatched(current, expecting: "identifier")
        }
        return advance().value
    }

    /// `-` followed by a number the lexer did not fold (e.g. after an identifier).
    mutating func parseNegatedLiteral() throws(CQLSyntaxError) -> CQLTerm {
        advance()
        let token = current
        guard token.kind == .integer || token.kind == .float, !token.value.hasPrefix("-") else {
            throw .noViableAlternative(token)
        }
        advance()
        return token.kind == .integer ? .integer("-" + token.value) : .float("-" + token.value)
    }

    /// Parses `open [term (, term)*] close`.
    mutating func parseDelimitedTerms(open: String, close: String) throws(CQLSyntaxError) -> [CQLTerm] {
        try expectSymbol(open)
        if acceptSymbol(close) { return [] }
        let terms = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
            try parser.parseTerm()
        }
        try expectSymbol(close)
        return terms
    }

    /// Parses `{}` (an empty map), `{t, ...}` (a set), `{k: v, ...}` (a map) or
    /// `{field: v, ...}` (a user-defined type: keys are identifiers, which no term can be).
    mutating func parseBraceTerm() throws(CQLSyntaxError) -> CQLTerm {
        try expectSymbol("{")
        if acceptSymbol("}") { return .map([]) }
        if currentIsIdentifier, peek(1).isSymbol(":") { return try parseUserTypeLiteralBody() }
        let first = try parseTerm()
        if acceptSymbol(":") {
            var entries = [CQLMapEntry(key: first, value: try parseTerm())]
            while acceptSymbol(",") {
                let key = try parseTerm()
                try expectSymbol(":")
                entries.append(CQLMapEntry(key: key, value: try parseTerm()))
            }
            try expectSymbol("}")
            return .map(entries)
        }
        var elements = [first]
        while acceptSymbol(",") {
            elements.append(try parseTerm())
        }
        try expectSymbol("}")
        return .set(elements)
    }

    /// Parses `field: term (, field: term)* }` after the `{` of a user-defined type literal.
    mutating func parseUserTypeLiteralBody() throws(CQLSyntaxError) -> CQLTerm {
        let fields = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
            let field = try parser.parseIdentifier()
            try parser.expectSymbol(":")
            return CQLFieldValue(field: field, value: try parser.parseTerm())
        }
        try expectSymbol("}")
        return .userType(fields)
    }

    /// Whether `name(` or `ks.name(` starts at the cursor.
    var isFunctionCallAhead: Bool {
        let isName = { (token: CQLToken) in token.kind == .identifier || token.kind == .quotedIdentifier }
        guard isName(current) else { return false }
        if peek(1).isSymbol("(") { return true }
        return peek(1).isSymbol(".") && isName(peek(2)) && peek(3).isSymbol("(")
    }

    /// Parses a function name (reserved words such as `token` allowed): `name` or `ks.name`.
    mutating func parseFunctionName() throws(CQLSyntaxError) -> CQLQualifiedName {
        let first = advance().value
        guard acceptSymbol(".") else { return CQLQualifiedName(first) }
        return CQLQualifiedName(keyspace: first, advance().value)
    }

    /// Parses `name(term, ...)`.
    mutating func parseFunctionCallTerm() throws(CQLSyntaxError) -> CQLTerm {
        let name = try parseFunctionName()
        return .functionCall(name, try parseDelimitedTerms(open: "(", close: ")"))
    }
}
