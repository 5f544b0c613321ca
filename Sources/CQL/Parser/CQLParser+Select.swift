/// SELECT statements and their selectors.
extension CQLParser {
    /// Parses a whole SELECT statement.
    mutating func parseSelect() throws(CQLSyntaxError) -> CQLSelect {
        try expectKeyword("select")
        let isJSON = acceptSelectModifier("json")
        let isDistinct = acceptSelectModifier("distinct")
        let selection = try parseSelection()
        try expectKeyword("from")
        var select = CQLSelect(
            isDistinct: isDistinct, isJSON: isJSON, selection: selection, table: try parseQualifiedName())
        if current.isKeyword("where") { select.whereClause = try parseWhereClause() }
        try parseSelectTail(into: &select)
        return select
    }

    /// Consumes `JSON` or `DISTINCT` when used as a modifier rather than as a column name.
    mutating func acceptSelectModifier(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        let next = peek(1)
        if next.isKeyword("from") || next.isKeyword("as") || next.kind == .endOfInput { return false }
        if next.kind == .symbol, [",", "[", ".", "("].contains(next.value) { return false }
        advance()
        return true
    }

    /// Parses the clauses after WHERE: GROUP BY, ORDER BY, PER PARTITION LIMIT, LIMIT, ALLOW FILTERING.
    mutating func parseSelectTail(into select: inout CQLSelect) throws(CQLSyntaxError) {
        if acceptKeyword("group") {
            try expectKeyword("by")
            select.groupBy = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
                try parser.parseIdentifier()
            }
        }
        if acceptKeyword("order") {
            try expectKeyword("by")
            select.orderBy = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
                try parser.parseOrdering()
            }
        }
        if acceptKeyword("per") {
            try expectKeyword("partition")
            try expectKeyword("limit")
            select.perPartitionLimit = try parseTerm()
        }
        if acceptKeyword("limit") { select.limit = try parseTerm() }
        if acceptKeyword("allow") {
            try expectKeyword("filtering")
            select.allowFiltering = true
        }
    }

    /// Parses `column [ASC|DESC]`.
    mutating func parseOrdering() throws(CQLSyntaxError) -> CQLOrdering {
        let column = try parseIdentifier()
        if acceptKeyword("desc") { return CQLOrdering(column: column, isDescending: true) }
        _ = acceptKeyword("asc")
        return CQLOrdering(column: column)
    }

    /// Parses `*` or a list of selectors.
    mutating func parseSelection() throws(CQLSyntaxError) -> CQLSelection {
        if acceptSymbol("*") { return .all }
        return .selectors(
            try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
                try parser.parseSelector()
            })
    }

    /// Parses `expression [AS alias]`.
    mutating func parseSelector() throws(CQLSyntaxError) -> CQLSelector {
        let expression = try parseSelectorExpression()
        guard acceptKeyword("as") else { return CQLSelector(expression) }
        return CQLSelector(expression, alias: try parseIdentifier())
    }

    /// Parses a selector expression with its `[key]` and `.field` suffixes.
    mutating func parseSelectorExpression() throws(CQLSyntaxError) -> CQLSelectorExpression {
        try enterNesting()
        defer { leaveNesting() }
        var expression = try parseSelectorPrimary()
        while true {
            if acceptSymbol("[") {
                let key = try parseTerm()
                try expectSymbol("]")
                expression = .element(expression, key)
            } else if acceptSymbol(".") {
                expression = .field(expression, try parseIdentifier())
            } else {
                return expression
            }
        }
    }

    /// Parses a selector without suffixes.
    mutating func parseSelectorPrimary() throws(CQLSyntaxError) -> CQLSelectorExpression {
        if let literal = parseLiteral() { return .term(literal) }
        if current.isSymbol("?") || current.isSymbol(":") || current.isSymbol("-") {
            return .term(try parseTerm())
        }
        if current.isKeyword("null") {
            advance()
            return .term(.null)
        }
        guard current.kind == .identifier, peek(1).isSymbol("(") else {
            if isFunctionCallAhead { return try parseSelectorFunctionCall() }
            return .column(try parseIdentifier())
        }
        switch current.value {
        case "count" where peek(2).isSymbol("*") || (peek(2).value == "1" && peek(2).kind == .integer):
            advance()
            advance()
            advance()
            try expectSymbol(")")
            return .countAll
        case "writetime": return .writeTime(try parseColumnFunctionArgument())
        case "ttl": return .timeToLive(try parseColumnFunctionArgument())
        case "cast": return try parseCast()
        default: return try parseSelectorFunctionCall()
        }
    }

    /// Parses `(column)` after WRITETIME or TTL.
    mutating func parseColumnFunctionArgument() throws(CQLSyntaxError) -> String {
        advance()
        try expectSymbol("(")
        let column = try parseIdentifier()
        try expectSymbol(")")
        return column
    }

    /// Parses `CAST(selector AS type)`.
    mutating func parseCast() throws(CQLSyntaxError) -> CQLSelectorExpression {
        advance()
        try expectSymbol("(")
        let expression = try parseSelectorExpression()
        try expectKeyword("as")
        let type = try parseType()
        try expectSymbol(")")
        return .cast(expression, type)
    }

    /// Parses `name(selector, ...)`.
    mutating func parseSelectorFunctionCall() throws(CQLSyntaxError) -> CQLSelectorExpression {
        let name = try parseFunctionName()
        try expectSymbol("(")
        if acceptSymbol(")") { return .functionCall(name, []) }
        let arguments = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
            try parser.parseSelectorExpression()
        }
        try expectSymbol(")")
        return .functionCall(name, arguments)
    }
}
