/// WHERE clauses: relations and the boolean tree (`AND`, `OR`, `NOT`, parentheses).
///
/// Precedence, loosest first: `OR`, `AND`, `NOT`. A `(` starts a multi-column tuple relation
/// when it holds only column names and is followed by an operator; otherwise a group.
extension CQLParser {
    /// Parses a full boolean WHERE expression.
    mutating func parseWhereExpression() throws(CQLSyntaxError) -> CQLWhereExpression {
        var operands = [try parseConjunction()]
        while acceptKeyword("or") {
            operands.append(try parseConjunction())
        }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    /// Parses `factor (AND factor)*`.
    mutating func parseConjunction() throws(CQLSyntaxError) -> CQLWhereExpression {
        var operands = [try parseWhereFactor()]
        while acceptKeyword("and") {
            operands.append(try parseWhereFactor())
        }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    /// Parses `NOT factor`, `( expression )` or a relation.
    mutating func parseWhereFactor() throws(CQLSyntaxError) -> CQLWhereExpression {
        try enterNesting()
        defer { leaveNesting() }
        if acceptKeyword("not") {
            return .not(try parseWhereFactor())
        }
        if current.isSymbol("("), !isTupleRelationAhead {
            advance()
            let inner = try parseWhereExpression()
            try expectSymbol(")")
            return inner
        }
        return .relation(try parseRelation())
    }

    /// Whether `( name, ... ) op` starts at the cursor.
    var isTupleRelationAhead: Bool {
        var distance = 1
        while true {
            let token = peek(distance)
            guard token.kind == .identifier || token.kind == .quotedIdentifier else { return false }
            let separator = peek(distance + 1)
            if separator.isSymbol(")") { return isRelationOperator(peek(distance + 2)) }
            guard separator.isSymbol(",") else { return false }
            distance += 2
        }
    }

    /// Whether `token` begins a relation operator.
    func isRelationOperator(_ token: CQLToken) -> Bool {
        if token.kind == .symbol { return ["=", "!=", "<", "<=", ">", ">="].contains(token.value) }
        return token.isKeyword("in")
    }

    /// Parses one relation (also used for `IF` conditions).
    mutating func parseRelation() throws(CQLSyntaxError) -> CQLRelation {
        let target = try parseRelationTarget()
        return try parseRelationTail(target)
    }

    /// Parses the left side: `col`, `col[key]`, `token(a, ...)` or `(a, b, ...)`.
    mutating func parseRelationTarget() throws(CQLSyntaxError) -> CQLRelationTarget {
        if current.isKeyword("token"), peek(1).isSymbol("(") {
            advance()
            return .token(try parseParenthesizedIdentifiers())
        }
        if current.isSymbol("(") {
            return .tuple(try parseParenthesizedIdentifiers())
        }
        let column = try parseIdentifier()
        guard acceptSymbol("[") else { return .column(column) }
        let key = try parseTerm()
        try expectSymbol("]")
        return .element(column: column, key: key)
    }

    /// Parses the operator and right side of a relation.
    mutating func parseRelationTail(_ target: CQLRelationTarget) throws(CQLSyntaxError) -> CQLRelation {
        let token = current
        if acceptKeyword("is") {
            let negated = acceptKeyword("not")
            try expectKeyword("null")
            return negated ? .isNotNull(target) : .isNull(target)
        }
        if acceptKeyword("in") { return try parseInValues(target) }
        if acceptKeyword("contains") {
            let op: CQLOperator = acceptKeyword("key") ? .containsKey : .contains
            return .compare(target, op, try parseTerm())
        }
        if acceptKeyword("like") { return .compare(target, .like, try parseTerm()) }
        guard token.kind == .symbol, let op = CQLOperator(rawValue: token.value), op != .like else {
            throw .mismatched(token, expecting: "an operator (=, !=, <, <=, >, >=, IN, CONTAINS, IS)")
        }
        advance()
        return .compare(target, op, try parseTerm())
    }

    /// Parses what follows `IN`: `( terms )` or a bind marker.
    mutating func parseInValues(_ target: CQLRelationTarget) throws(CQLSyntaxError) -> CQLRelation {
        if current.isSymbol("?") || current.isSymbol(":") {
            return .inMarker(target, try parseTerm())
        }
        return .in(target, try parseDelimitedTerms(open: "(", close: ")"))
    }

    /// Parses `WHERE expression`.
    mutating func parseWhereClause() throws(CQLSyntaxError) -> CQLWhereExpression {
        try expectKeyword("where")
        return try parseWhereExpression()
    }
}
