/// INSERT, UPDATE, DELETE and BATCH.
extension CQLParser {
    /// Parses `INSERT INTO t (cols) VALUES (terms) | JSON term [DEFAULT NULL | DEFAULT UNSET]
    /// [IF NOT EXISTS] [USING ...]`.
    mutating func parseInsert() throws(CQLSyntaxError) -> CQLInsert {
        try expectKeyword("insert")
        try expectKeyword("into")
        let table = try parseQualifiedName()
        let values: CQLInsertValues
        var defaultUnset = false
        if acceptKeyword("json") {
            values = .json(try parseTerm())
            if acceptKeyword("default") {
                defaultUnset = acceptKeyword("unset")
                if !defaultUnset { try expectKeyword("null") }
            }
        } else {
            values = try parseInsertColumnsAndValues()
        }
        let condition: CQLCondition? = try parseIfNotExists() ? .notExists : nil
        return CQLInsert(table: table, values: values, condition: condition, using: try parseUsing(),
                         jsonDefaultUnset: defaultUnset)
    }

    /// Parses `(cols) VALUES (terms)`, checking both lists have the same length.
    mutating func parseInsertColumnsAndValues() throws(CQLSyntaxError) -> CQLInsertValues {
        let columns = try parseParenthesizedIdentifiers()
        try expectKeyword("values")
        let valuesToken = current
        let terms = try parseDelimitedTerms(open: "(", close: ")")
        guard terms.count == columns.count else {
            throw .invalid(valuesToken, "unmatched column names/values: \(columns.count) columns, \(terms.count) values")
        }
        return .columns(columns, values: terms)
    }

    /// Parses an optional `USING TTL x AND TIMESTAMP y` (either order, either alone); DELETE
    /// and BATCH pass `allowsTimeToLive: false`.
    mutating func parseUsing(allowsTimeToLive: Bool = true) throws(CQLSyntaxError) -> CQLUsing {
        var using = CQLUsing()
        guard acceptKeyword("using") else { return using }
        repeat {
            let token = current
            if current.isKeyword("ttl"), !allowsTimeToLive {
                throw .invalid(token, "USING TTL is not allowed here, at input '\(token.text)'")
            } else if acceptKeyword("ttl"), using.timeToLive == nil {
                using.timeToLive = try parseTerm()
            } else if acceptKeyword("timestamp"), using.timestamp == nil {
                using.timestamp = try parseTerm()
            } else {
                throw .mismatched(token, expecting: "TTL or TIMESTAMP")
            }
        } while acceptKeyword("and")
        return using
    }

    /// Parses `UPDATE t [USING ...] SET assignments WHERE ... [IF ...]`.
    mutating func parseUpdate() throws(CQLSyntaxError) -> CQLUpdate {
        try expectKeyword("update")
        let table = try parseQualifiedName()
        let using = try parseUsing()
        try expectKeyword("set")
        let assignments = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
            try parser.parseAssignment()
        }
        let whereClause = try parseWhereClause()
        return CQLUpdate(
            table: table, using: using, assignments: assignments, whereClause: whereClause,
            condition: try parseModificationCondition())
    }

    /// Parses one `SET` assignment.
    mutating func parseAssignment() throws(CQLSyntaxError) -> CQLAssignment {
        let column = try parseIdentifier()
        if acceptSymbol("[") {
            let key = try parseTerm()
            try expectSymbol("]")
            try expectSymbol("=")
            return .setElement(column: column, key: key, try parseTerm())
        }
        if acceptSymbol(".") {
            let field = try parseIdentifier()
            try expectSymbol("=")
            return .setField(column: column, field: field, try parseTerm())
        }
        if acceptSymbol("+=") { return .add(column: column, try parseTerm()) }
        if acceptSymbol("-=") { return .subtract(column: column, try parseTerm()) }
        try expectSymbol("=")
        return try parseAssignedValue(column)
    }

    /// Parses the right side of `column = ...`: `column + t`, `column - t`, `t + column` or `t`.
    mutating func parseAssignedValue(_ column: String) throws(CQLSyntaxError) -> CQLAssignment {
        if currentIsIdentifier, current.value == column, peek(1).isSymbol("+") || peek(1).isSymbol("-") {
            advance()
            let isAdd = advance().value == "+"
            let term = try parseTerm()
            return isAdd ? .add(column: column, term) : .subtract(column: column, term)
        }
        let term = try parseTerm()
        guard acceptSymbol("+") else { return .set(column: column, term) }
        let token = current
        guard try parseIdentifier() == column else {
            throw .invalid(token, "only expressions of the form X = <value> + X are supported, at input '\(token.text)'")
        }
        return .prepend(column: column, term)
    }

    /// Parses an optional `IF EXISTS` or `IF relation AND ...`.
    mutating func parseModificationCondition() throws(CQLSyntaxError) -> CQLCondition? {
        guard acceptKeyword("if") else { return nil }
        if acceptKeyword("exists") { return .exists }
        var relations = [try parseRelation()]
        while acceptKeyword("and") {
            relations.append(try parseRelation())
        }
        return .relations(relations)
    }

    /// Parses `DELETE [targets] FROM t [USING TIMESTAMP x] WHERE ... [IF ...]`.
    mutating func parseDelete() throws(CQLSyntaxError) -> CQLDelete {
        try expectKeyword("delete")
        var selection: [CQLDeleteTarget] = []
        if !current.isKeyword("from") {
            selection = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
                try parser.parseDeleteTarget()
            }
        }
        try expectKeyword("from")
        let table = try parseQualifiedName()
        let using = try parseUsing(allowsTimeToLive: false)
        let whereClause = try parseWhereClause()
        return CQLDelete(
            selection: selection, table: table, using: using, whereClause: whereClause,
            condition: try parseModificationCondition())
    }

    /// Parses `col`, `col[key]` or `col.field`.
    mutating func parseDeleteTarget() throws(CQLSyntaxError) -> CQLDeleteTarget {
        let column = try parseIdentifier()
        if acceptSymbol(".") { return .field(column: column, field: try parseIdentifier()) }
        guard acceptSymbol("[") else { return .column(column) }
        let key = try parseTerm()
        try expectSymbol("]")
        return .element(column: column, key: key)
    }

    /// Parses `BEGIN [UNLOGGED|LOGGED|COUNTER] BATCH [USING ...] statements APPLY BATCH`.
    mutating func parseBatch() throws(CQLSyntaxError) -> CQLBatch {
        try expectKeyword("begin")
        var kind = CQLBatchKind.logged
        if acceptKeyword("unlogged") {
            kind = .unlogged
        } else if acceptKeyword("counter") {
            kind = .counter
        } else {
            _ = acceptKeyword("logged")
        }
        try expectKeyword("batch")
        let using = try parseUsing(allowsTimeToLive: false)
        var statements: [CQLStatement] = []
        while !acceptKeyword("apply") {
            guard statements.count < CQLParserLimits.statementCountMax else {
                throw .invalid(current, "too many statements in batch")
            }
            statements.append(try parseBatchChild())
            while acceptSymbol(";") {}
        }
        try expectKeyword("batch")
        return CQLBatch(kind: kind, using: using, statements: statements)
    }

    /// Parses one INSERT, UPDATE or DELETE inside a batch.
    mutating func parseBatchChild() throws(CQLSyntaxError) -> CQLStatement {
        let keyword = current.kind == .identifier ? current.value : ""
        switch keyword {
        case "insert": return .insert(try parseInsert())
        case "update": return .update(try parseUpdate())
        case "delete": return .delete(try parseDelete())
        default: throw .mismatched(current, expecting: "INSERT, UPDATE, DELETE or APPLY")
        }
    }
}
