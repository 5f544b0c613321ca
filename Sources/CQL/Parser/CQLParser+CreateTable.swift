/// `CREATE TABLE`: column definitions and the primary key.
extension CQLParser {
    /// Parses `[IF NOT EXISTS] [ks.]t (definitions) [WITH options]` after `CREATE TABLE`.
    mutating func parseCreateTable() throws(CQLSyntaxError) -> CQLCreateTable {
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName()
        try expectSymbol("(")
        var table = CQLCreateTable(name: name, ifNotExists: ifNotExists, columns: [], partitionKey: [])
        var hasPrimaryKey = false
        repeat {
            if current.isSymbol(")") { break }
            try parseTableElement(into: &table, hasPrimaryKey: &hasPrimaryKey)
        } while acceptSymbol(",")
        guard hasPrimaryKey else { throw .invalid(current, "no PRIMARY KEY specified for table \(name.name)") }
        try expectSymbol(")")
        if acceptKeyword("with") { table.options = try parseTableOptions() }
        return table
    }

    /// Parses one element of the table body: a column or `PRIMARY KEY (...)`.
    mutating func parseTableElement(into table: inout CQLCreateTable, hasPrimaryKey: inout Bool) throws(CQLSyntaxError) {
        let primaryToken = current
        if acceptKeyword("primary") {
            try expectKeyword("key")
            guard !hasPrimaryKey else { throw .invalid(primaryToken, "multiple PRIMARY KEYs specified") }
            hasPrimaryKey = true
            (table.partitionKey, table.clusteringColumns) = try parsePrimaryKeyColumns()
            return
        }
        let column = try parseColumnDefinition()
        table.columns.append(column)
        let keyToken = current
        if acceptKeyword("primary") {
            try expectKeyword("key")
            guard !hasPrimaryKey else { throw .invalid(keyToken, "multiple PRIMARY KEYs specified") }
            hasPrimaryKey = true
            table.partitionKey = [column.name]
        }
    }

    /// Parses `((pk1, pk2), c1, c2)` or `(pk, c1, ...)`.
    mutating func parsePrimaryKeyColumns() throws(CQLSyntaxError) -> (partition: [String], clustering: [String]) {
        try expectSymbol("(")
        let partition = current.isSymbol("(") ? try parseParenthesizedIdentifiers() : [try parseIdentifier()]
        var clustering: [String] = []
        while acceptSymbol(",") {
            clustering.append(try parseIdentifier())
        }
        try expectSymbol(")")
        return (partition, clustering)
    }
}
