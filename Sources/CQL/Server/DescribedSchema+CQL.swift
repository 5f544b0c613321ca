/// CQL identifiers as Cassandra prints them (`ColumnIdentifier.maybeQuote`).
public enum CQLIdentifier {
    /// `name` unchanged when it is a lower-case unquoted identifier and not a reserved word;
    /// otherwise in double quotes, inner quotes doubled.
    public static func quotedIfNeeded(_ name: String) -> String {
        if isPlain(name) && !CQLKeywords.reserved.contains(name) { return name }
        return "\"" + doubling("\"", in: name) + "\""
    }

    private static func doubling(_ quote: Character, in text: String) -> String {
        var result = ""
        for character in text {
            result.append(character)
            if character == quote { result.append(quote) }
        }
        return result
    }

    private static func isPlain(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// `text` as a CQL string literal.
    public static func stringLiteral(_ text: String) -> String {
        "'" + doubling("'", in: text) + "'"
    }

    /// A map as a CQL literal, keys sorted, values quoted: `{'a': '1', 'b': '2'}`.
    public static func mapLiteral(_ map: [String: String]) -> String {
        "{" + map.sorted { $0.key < $1.key }.map { "\(stringLiteral($0.key)): \(stringLiteral($0.value))" }
            .joined(separator: ", ") + "}"
    }
}

extension DescribedKeyspace {
    /// Cassandra's `CREATE KEYSPACE` text: the strategy's short class name for Cassandra's
    /// own strategies, options sorted, two spaces before `AND`.
    public var createStatement: String {
        var replication = replication
        let className = replication.removeValue(forKey: "class") ?? ""
        let shortName = className.hasPrefix(Self.locatorPackage) ? String(className.dropFirst(Self.locatorPackage.count))
                                                                   : className
        let options = replication.sorted { $0.key < $1.key }
            .map { ", \(CQLIdentifier.stringLiteral($0.key)): \(CQLIdentifier.stringLiteral($0.value))" }.joined()
        return "CREATE KEYSPACE \(CQLIdentifier.quotedIfNeeded(name)) WITH replication = "
            + "{'class': \(CQLIdentifier.stringLiteral(shortName))\(options)}  AND durable_writes = \(durableWrites);"
    }

    static let locatorPackage = "org.apache.cassandra.locator."
}

extension DescribedTable {
    /// `ks.t`, each part quoted if needed.
    public var qualifiedName: String { "\(CQLIdentifier.quotedIfNeeded(keyspace)).\(CQLIdentifier.quotedIfNeeded(name))" }

    /// Key columns by position, then static then regular columns (simple before multi-cell,
    /// then by name): the order of Cassandra's CREATE TABLE output.
    public var columnsInCreateOrder: [DescribedColumn] {
        func keys(_ kind: DescribedColumn.Kind) -> [DescribedColumn] {
            columns.filter { $0.kind == kind }.sorted { $0.position < $1.position }
        }
        func others(_ kind: DescribedColumn.Kind) -> [DescribedColumn] {
            columns.filter { $0.kind == kind }.sorted { left, right in
                if left.isMultiCell != right.isMultiCell { return !left.isMultiCell }
                return Array(left.name.utf8).lexicographicallyPrecedes(Array(right.name.utf8))
            }
        }
        return keys(.partitionKey) + keys(.clustering) + others(.staticColumn) + others(.regular)
    }

    /// Cassandra's `CREATE TABLE` text, 4-space indents, options one per line.
    /// `withInternals` adds the table id (`ID = ...`).
    public func createStatement(withInternals: Bool = false) -> String {
        let ordered = columnsInCreateOrder
        let partitionKey = ordered.filter { $0.kind == .partitionKey }
        let clustering = ordered.filter { $0.kind == .clustering }
        let singleKey = partitionKey.count == 1 && clustering.isEmpty
        var lines = ordered.enumerated().map { index, column in
            var line = "    \(CQLIdentifier.quotedIfNeeded(column.name)) \(column.type)"
            if column.kind == .staticColumn { line += " static" }
            if singleKey && column.kind == .partitionKey { line += " PRIMARY KEY" }
            if !singleKey || index < ordered.count - 1 { line += "," }
            return line
        }
        if !singleKey { lines.append("    " + primaryKeyClause(partitionKey: partitionKey, clustering: clustering)) }
        var clauses: [String] = []
        if withInternals { clauses.append("ID = \(id)") }
        if !clustering.isEmpty {
            let order = clustering.map { "\(CQLIdentifier.quotedIfNeeded($0.name)) \($0.descending ? "DESC" : "ASC")" }
            clauses.append("CLUSTERING ORDER BY (\(order.joined(separator: ", ")))")
        }
        clauses += options.clauses
        return "CREATE TABLE \(qualifiedName) (\n" + lines.joined(separator: "\n") + "\n) WITH "
            + clauses.joined(separator: "\n    AND ") + ";"
    }

    private func primaryKeyClause(partitionKey: [DescribedColumn], clustering: [DescribedColumn]) -> String {
        let names = { (columns: [DescribedColumn]) in columns.map { CQLIdentifier.quotedIfNeeded($0.name) } }
        var parts = [partitionKey.count > 1 ? "(" + names(partitionKey).joined(separator: ", ") + ")"
                                            : names(partitionKey).joined()]
        parts += names(clustering)
        return "PRIMARY KEY (" + parts.joined(separator: ", ") + ")"
    }
}

extension DescribedTableOptions {
    /// `name = value` for every option, in Cassandra's (alphabetical) order.
    var clauses: [String] {
        [
            "additional_write_policy = '99p'",
            "bloom_filter_fp_chance = 0.01",
            "caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}",
            "cdc = false",
            "comment = \(CQLIdentifier.stringLiteral(comment))",
            "compaction = \(CQLIdentifier.mapLiteral(compaction))",
            "compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}",
            "crc_check_chance = 1.0",
            "default_time_to_live = \(defaultTimeToLive)",
            "extensions = {}",
            "gc_grace_seconds = \(gcGraceSeconds)",
            "max_index_interval = 2048",
            "memtable_flush_period_in_ms = \(memtableFlushPeriodMs)",
            "min_index_interval = 128",
            "read_repair = 'BLOCKING'",
            "speculative_retry = '99p'",
        ]
    }
}
