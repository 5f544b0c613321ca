/// Answers `DESCRIBE` from a `DescribedKeyspace` list, as Cassandra 4.0's
/// `DescribeStatement` does: the same rows, order, quoting and error messages.
///
/// Listings (`KEYSPACES`, `TABLES`, `TYPES`, `FUNCTIONS`, `AGGREGATES`) answer
/// `keyspace_name, type, name`; element describes add `create_statement`; `CLUSTER` answers
/// `cluster, partitioner, snitch` (this node has no per-keyspace range ownership to add).
/// All columns are text. Names sort case-insensitively. Pure; errors are ERROR Invalid.
public struct DescribeExecutor: Sendable {
    /// Every keyspace, system ones included, in any order.
    public var keyspaces: [DescribedKeyspace]
    public var cluster: DescribedCluster

    /// Creates an executor over a schema.
    public init(keyspaces: [DescribedKeyspace], cluster: DescribedCluster) {
        self.keyspaces = keyspaces
        self.cluster = cluster
    }

    /// A schema element as a row: its keyspace, kind, name and (for element describes) CQL.
    private struct Element {
        var keyspace: String
        var type: String
        var name: String
        var createStatement: String
    }

    /// The rows answering `statement` for a session whose keyspace is `sessionKeyspace`.
    public func rows(for statement: CQLDescribe, sessionKeyspace: String?) throws(ErrorResponse) -> RowsResult {
        let internals = statement.withInternals
        switch statement.target {
        case .keyspaces:
            return listing(sortedKeyspaces().map { keyspaceElement($0) })
        case .tables:
            return listing(try listedKeyspaces(sessionKeyspace).flatMap { sorted($0.tables).map(tableListing) })
        case .types:
            return listing(try listedKeyspaces(sessionKeyspace).flatMap { ordered($0.types).map(typeListing) })
        case .type(let name):
            let keyspace = try validate(try keyspaceName(name.keyspace, sessionKeyspace))
            guard let type = keyspace.types.first(where: { $0.name == name.name }) else {
                throw Self.missing(statement.target, name: name.name, keyspace: keyspace.name)
            }
            return describing([typeElement(type)])
        case .functions, .aggregates:
            _ = try listedKeyspaces(sessionKeyspace)
            return listing([])
        case .keyspace(let name, let only):
            let keyspace = try validate(try keyspaceName(name, sessionKeyspace))
            return describing(elements(of: keyspace, only: only, internals: internals))
        case .table(let name):
            return describing([tableElement(try table(name, sessionKeyspace), internals)])
        case .schema(let full):
            let described = sortedKeyspaces().filter { full || !$0.isSystem }
            return describing(described.flatMap { elements(of: $0, only: false, internals: internals) })
        case .cluster:
            return clusterRows()
        case .name(let name):
            return describing(try generic(name, sessionKeyspace: sessionKeyspace, internals: internals))
        case .index(let name), .materializedView(let name), .function(let name), .aggregate(let name):
            let keyspace = try validate(try keyspaceName(name.keyspace, sessionKeyspace))
            throw Self.missing(statement.target, name: name.name, keyspace: keyspace.name)
        }
    }

    // MARK: Resolution

    private func sortedKeyspaces() -> [DescribedKeyspace] {
        keyspaces.sorted { Self.precedes($0.name, $1.name) }
    }

    private func sorted(_ tables: [DescribedTable]) -> [DescribedTable] {
        tables.sorted { Self.precedes($0.name, $1.name) }
    }

    /// Cassandra's `NAME_COMPARATOR` (case-insensitive), then exact order for a stable result.
    static func precedes(_ left: String, _ right: String) -> Bool {
        let (lower, upper) = (left.lowercased(), right.lowercased())
        return lower != upper ? lower < upper : left < right
    }

    private func listedKeyspaces(_ sessionKeyspace: String?) throws(ErrorResponse) -> [DescribedKeyspace] {
        guard let sessionKeyspace else { return sortedKeyspaces() }
        return [try validate(sessionKeyspace)]
    }

    private func keyspaceName(_ name: String?, _ sessionKeyspace: String?) throws(ErrorResponse) -> String {
        guard let name = name ?? sessionKeyspace else {
            throw ErrorResponse(.invalid, message: "No keyspace specified and no current keyspace")
        }
        return name
    }

    private func validate(_ name: String) throws(ErrorResponse) -> DescribedKeyspace {
        guard let keyspace = keyspaces.first(where: { $0.name == name }) else {
            throw ErrorResponse(.invalid, message: "'\(name)' not found in keyspaces")
        }
        return keyspace
    }

    private func table(_ name: CQLQualifiedName, _ sessionKeyspace: String?) throws(ErrorResponse) -> DescribedTable {
        let keyspace = try validate(try keyspaceName(name.keyspace, sessionKeyspace))
        guard let table = keyspace.tables.first(where: { $0.name == name.name }) else {
            throw ErrorResponse(.invalid, message: "Table '\(name.name)' not found in keyspace '\(keyspace.name)'")
        }
        return table
    }

    /// A bare name: a keyspace, else a table of the named (or session, or same-named) keyspace.
    private func generic(_ name: CQLQualifiedName, sessionKeyspace: String?, internals: Bool) throws(ErrorResponse) -> [Element] {
        if name.keyspace == nil, let keyspace = keyspaces.first(where: { $0.name == name.name }) {
            return elements(of: keyspace, only: false, internals: internals)
        }
        let keyspace = try validate(name.keyspace ?? sessionKeyspace ?? name.name)
        guard let table = keyspace.tables.first(where: { $0.name == name.name }) else {
            throw ErrorResponse(.invalid, message: "'\(name.name)' not found in keyspace '\(keyspace.name)'")
        }
        return [tableElement(table, internals)]
    }

    private static func missing(_ target: CQLDescribe.Target, name: String, keyspace: String) -> ErrorResponse {
        let message = switch target {
        case .index: "Table for existing index '\(name)' not found in '\(keyspace)'"
        case .materializedView: "Materialized view '\(name)' not found in '\(keyspace)'"
        case .type: "User defined type '\(name)' not found in '\(keyspace)'"
        case .function: "User defined function '\(name)' not found in '\(keyspace)'"
        default: "User defined aggregate '\(name)' not found in '\(keyspace)'"
        }
        return ErrorResponse(.invalid, message: message)
    }

    // MARK: Elements and rows

    /// The keyspace, then its types (each after the types it uses), then its tables, as
    /// Cassandra's `DESCRIBE KEYSPACE` lists them.
    private func elements(of keyspace: DescribedKeyspace, only: Bool, internals: Bool) -> [Element] {
        let own = keyspaceElement(keyspace)
        guard !only else { return [own] }
        return [own] + ordered(keyspace.types).map(typeElement) + sorted(keyspace.tables).map { tableElement($0, internals) }
    }

    /// Types by name, except that a type comes after every type its fields use.
    private func ordered(_ types: [DescribedType]) -> [DescribedType] {
        var pending = types.sorted { Self.precedes($0.name, $1.name) }
        var result: [DescribedType] = []
        while !pending.isEmpty {
            let index = pending.firstIndex { type in
                !pending.contains { $0.name != type.name && type.uses($0.name) }
            } ?? 0
            result.append(pending.remove(at: index))
        }
        return result
    }

    private func typeListing(_ type: DescribedType) -> Element {
        Element(keyspace: CQLIdentifier.quotedIfNeeded(type.keyspace), type: "type",
                name: CQLIdentifier.quotedIfNeeded(type.name), createStatement: "")
    }

    private func typeElement(_ type: DescribedType) -> Element {
        Element(keyspace: CQLIdentifier.quotedIfNeeded(type.keyspace), type: "type",
                name: CQLIdentifier.quotedIfNeeded(type.name), createStatement: type.createStatement)
    }

    private func keyspaceElement(_ keyspace: DescribedKeyspace) -> Element {
        let name = CQLIdentifier.quotedIfNeeded(keyspace.name)
        return Element(keyspace: name, type: "keyspace", name: name, createStatement: keyspace.createStatement)
    }

    private func tableListing(_ table: DescribedTable) -> Element {
        Element(keyspace: CQLIdentifier.quotedIfNeeded(table.keyspace), type: "table",
                name: CQLIdentifier.quotedIfNeeded(table.name), createStatement: "")
    }

    private func tableElement(_ table: DescribedTable, _ internals: Bool) -> Element {
        Element(keyspace: CQLIdentifier.quotedIfNeeded(table.keyspace), type: "table",
                name: CQLIdentifier.quotedIfNeeded(table.name), createStatement: table.createStatement(withInternals: internals))
    }

    static let listColumns = ["keyspace_name", "type", "name"]
    static let elementColumns = listColumns + ["create_statement"]
    static let clusterColumns = ["cluster", "partitioner", "snitch"]

    private func listing(_ elements: [Element]) -> RowsResult {
        Self.textRows(Self.listColumns, elements.map { [$0.keyspace, $0.type, $0.name] })
    }

    private func describing(_ elements: [Element]) -> RowsResult {
        Self.textRows(Self.elementColumns, elements.map { [$0.keyspace, $0.type, $0.name, $0.createStatement] })
    }

    private func clusterRows() -> RowsResult {
        let partitioner = Self.trimming("org.apache.cassandra.dht.", from: cluster.partitioner)
        let snitch = Self.trimming("org.apache.cassandra.locator.", from: cluster.snitch)
        return Self.textRows(Self.clusterColumns, [[cluster.name, partitioner, snitch]])
    }

    private static func trimming(_ prefix: String, from text: String) -> String {
        text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }

    /// Rows of text cells, with Cassandra's column specs (`system.describe`).
    static func textRows(_ columns: [String], _ rows: [[String]]) -> RowsResult {
        let specifications = columns.map { ColumnSpecification(keyspace: "system", table: "describe", name: $0, type: .varchar) }
        return RowsResult(metadata: RowsMetadata(columns: specifications), rows: rows.map { $0.map { Array($0.utf8) } })
    }
}
