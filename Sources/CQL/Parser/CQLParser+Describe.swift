/// `DESCRIBE` / `DESC`, after Cassandra's `describeStatement` rule.
extension CQLParser {
    /// Parses `DESC[RIBE] <target> [WITH INTERNALS]`.
    mutating func parseDescribe() throws(CQLSyntaxError) -> CQLStatement {
        if !acceptKeyword("describe") { try expectKeyword("desc") }
        let target = try parseDescribeTarget()
        var withInternals = false
        if acceptKeyword("with") {
            try expectKeyword("internals")
            withInternals = true
        }
        return .describe(CQLDescribe(target, withInternals: withInternals))
    }

    private mutating func parseDescribeTarget() throws(CQLSyntaxError) -> CQLDescribe.Target {
        if acceptKeyword("full") {
            try expectKeyword("schema")
            return .schema(full: true)
        }
        if acceptKeyword("keyspaces") || acceptKeyword("schemas") { return .keyspaces }
        if acceptKeyword("only") {
            guard acceptKeyword("keyspace") || acceptKeyword("schema") else {
                throw .mismatched(current, expecting: "KEYSPACE")
            }
            return .keyspace(try parseOptionalDescribedKeyspace(), only: true)
        }
        if acceptKeyword("keyspace") { return .keyspace(try parseOptionalDescribedKeyspace(), only: false) }
        if acceptKeyword("schema") {
            guard let keyspace = try parseOptionalDescribedKeyspace() else { return .schema(full: false) }
            return .keyspace(keyspace, only: false)
        }
        if acceptKeyword("tables") || acceptKeyword("columnfamilies") { return .tables }
        if acceptKeyword("table") || acceptKeyword("columnfamily") { return .table(try parseQualifiedName()) }
        if acceptKeyword("index") { return .index(try parseQualifiedName()) }
        if acceptKeyword("materialized") {
            try expectKeyword("view")
            return .materializedView(try parseQualifiedName())
        }
        return try parseDescribeElementTarget()
    }

    /// The forms whose first word is an unreserved keyword (`TYPES`, `TYPE t`, `CLUSTER`...);
    /// each of those words may also start a bare name when no name follows where one must.
    private mutating func parseDescribeElementTarget() throws(CQLSyntaxError) -> CQLDescribe.Target {
        let listings: [String: CQLDescribe.Target] = [
            "types": .types, "functions": .functions, "aggregates": .aggregates, "cluster": .cluster,
        ]
        if current.kind == .identifier, let listing = listings[current.value], !peek(1).isSymbol(".") {
            advance()
            return listing
        }
        let elements: [String: (CQLQualifiedName) -> CQLDescribe.Target] = [
            "type": CQLDescribe.Target.type, "function": CQLDescribe.Target.function,
            "aggregate": CQLDescribe.Target.aggregate,
        ]
        if current.kind == .identifier, let element = elements[current.value], peek(1).kind != .endOfInput,
           !peek(1).isSymbol("."), !peek(1).isSymbol(";"), !peek(1).isKeyword("with") {
            advance()
            return element(try parseQualifiedName())
        }
        return .name(try parseQualifiedName())
    }

    private mutating func parseOptionalDescribedKeyspace() throws(CQLSyntaxError) -> String? {
        currentIsIdentifier && !current.isKeyword("with") ? try parseIdentifier() : nil
    }
}
