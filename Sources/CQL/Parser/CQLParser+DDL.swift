/// Schema statements: USE, CREATE/ALTER/DROP KEYSPACE, TABLE and TYPE, TRUNCATE.
extension CQLParser {
    /// Parses `USE ks`.
    mutating func parseUse() throws(CQLSyntaxError) -> CQLStatement {
        try expectKeyword("use")
        return .use(keyspace: try parseIdentifier())
    }

    /// Parses `TRUNCATE [TABLE] t`.
    mutating func parseTruncate() throws(CQLSyntaxError) -> CQLStatement {
        try expectKeyword("truncate")
        _ = acceptKeyword("table") || acceptKeyword("columnfamily")
        return .truncate(try parseQualifiedName())
    }

    /// Parses `CREATE KEYSPACE | TABLE | COLUMNFAMILY | TYPE ...`.
    mutating func parseCreate() throws(CQLSyntaxError) -> CQLStatement {
        try expectKeyword("create")
        if acceptKeyword("keyspace") || acceptKeyword("schema") {
            let ifNotExists = try parseIfNotExists()
            let name = try parseIdentifier()
            try expectKeyword("with")
            let options = try parseKeyspaceOptions()
            return .createKeyspace(CQLCreateKeyspace(name: name, ifNotExists: ifNotExists, options: options))
        }
        if acceptKeyword("table") || acceptKeyword("columnfamily") { return .createTable(try parseCreateTable()) }
        if acceptKeyword("type") { return .createType(try parseCreateType()) }
        throw .mismatched(current, expecting: "KEYSPACE, TABLE or TYPE")
    }

    /// Parses `ALTER KEYSPACE ks WITH ...`, `ALTER TABLE t ...` or `ALTER TYPE t ...`.
    mutating func parseAlter() throws(CQLSyntaxError) -> CQLStatement {
        try expectKeyword("alter")
        if acceptKeyword("keyspace") || acceptKeyword("schema") {
            let name = try parseIdentifier()
            try expectKeyword("with")
            return .alterKeyspace(name: name, options: try parseKeyspaceOptions())
        }
        if acceptKeyword("table") || acceptKeyword("columnfamily") {
            let name = try parseQualifiedName()
            return .alterTable(name: name, change: try parseTableChange())
        }
        if acceptKeyword("type") {
            let ifExists = try parseIfExists()
            let name = try parseQualifiedName()
            return .alterType(name: name, ifExists: ifExists, change: try parseTypeChange())
        }
        throw .mismatched(current, expecting: "KEYSPACE, TABLE or TYPE")
    }

    /// Parses `DROP KEYSPACE | TABLE | TYPE [IF EXISTS] name`.
    mutating func parseDrop() throws(CQLSyntaxError) -> CQLStatement {
        try expectKeyword("drop")
        if acceptKeyword("keyspace") || acceptKeyword("schema") {
            let ifExists = try parseIfExists()
            return .dropKeyspace(name: try parseIdentifier(), ifExists: ifExists)
        }
        if acceptKeyword("table") || acceptKeyword("columnfamily") {
            let ifExists = try parseIfExists()
            return .dropTable(name: try parseQualifiedName(), ifExists: ifExists)
        }
        if acceptKeyword("type") {
            let ifExists = try parseIfExists()
            return .dropType(name: try parseQualifiedName(), ifExists: ifExists)
        }
        throw .mismatched(current, expecting: "KEYSPACE, TABLE or TYPE")
    }

    /// Parses what follows `ALTER TABLE t`: `ADD ...`, `DROP ...` or `WITH ...`.
    mutating func parseTableChange() throws(CQLSyntaxError) -> CQLTableChange {
        if acceptKeyword("add") {
            guard acceptSymbol("(") else { return .addColumns([try parseColumnDefinition()]) }
            let columns = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
                try parser.parseColumnDefinition()
            }
            try expectSymbol(")")
            return .addColumns(columns)
        }
        if acceptKeyword("drop") {
            if current.isSymbol("(") { return .dropColumns(try parseParenthesizedIdentifiers()) }
            return .dropColumns([try parseIdentifier()])
        }
        if acceptKeyword("with") { return .options(try parseTableOptions()) }
        throw .mismatched(current, expecting: "ADD, DROP or WITH")
    }

    /// Parses what follows `ALTER TYPE t`: `ADD [IF NOT EXISTS] field type` or
    /// `RENAME [IF EXISTS] f TO g [AND ...]`.
    mutating func parseTypeChange() throws(CQLSyntaxError) -> CQLTypeChange {
        if acceptKeyword("add") {
            let ifNotExists = try parseIfNotExists()
            return .addField(CQLColumnDefinition(name: try parseIdentifier(), type: try parseType()), ifNotExists: ifNotExists)
        }
        if acceptKeyword("rename") {
            let ifExists = try parseIfExists()
            var renames: [CQLFieldRename] = []
            repeat {
                let from = try parseIdentifier()
                try expectKeyword("to")
                renames.append(CQLFieldRename(from: from, to: try parseIdentifier()))
            } while acceptKeyword("and")
            return .renameFields(renames, ifExists: ifExists)
        }
        throw .mismatched(current, expecting: "ADD or RENAME")
    }

    /// Parses `name type [STATIC]`.
    mutating func parseColumnDefinition() throws(CQLSyntaxError) -> CQLColumnDefinition {
        let name = try parseIdentifier()
        let type = try parseType()
        return CQLColumnDefinition(name: name, type: type, isStatic: acceptKeyword("static"))
    }

    /// Parses `[IF NOT EXISTS] [ks.]t (field type, ...)` after `CREATE TYPE`.
    mutating func parseCreateType() throws(CQLSyntaxError) -> CQLCreateType {
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName()
        try expectSymbol("(")
        let fields = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
            CQLColumnDefinition(name: try parser.parseIdentifier(), type: try parser.parseType())
        }
        try expectSymbol(")")
        return CQLCreateType(name: name, ifNotExists: ifNotExists, fields: fields)
    }
}
