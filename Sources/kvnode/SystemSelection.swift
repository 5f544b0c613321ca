import CQL

/// The columns a SELECT on a system table returns: `*` (every column in table order) or a
/// list of plain column names (duplicates allowed, aliases honoured).
struct SystemSelection {
    /// (result name, column) in output order.
    let columns: [(name: String, column: SystemColumn)]

    /// - Throws: Invalid "Undefined column name x" for an unknown column, Invalid for
    ///   selectors other than plain columns.
    init(_ selection: CQLSelection, table: SystemTable) throws(ErrorResponse) {
        switch selection {
        case .all:
            columns = table.columns.map { ($0.name, $0) }
        case .selectors(let selectors):
            var chosen: [(name: String, column: SystemColumn)] = []
            for selector in selectors {
                guard case .column(let name) = selector.expression else {
                    throw ErrorResponse(.invalid, message: "only plain columns can be selected from \(table.keyspace).\(table.name)")
                }
                guard let index = table.index(of: name) else {
                    throw ErrorResponse(.invalid, message: "Undefined column name \(name)")
                }
                chosen.append((selector.alias ?? name, table.columns[index]))
            }
            columns = chosen
        }
        tableKeyspace = table.keyspace
        tableName = table.name
    }

    private let tableKeyspace: String
    private let tableName: String

    /// The result metadata.
    var specifications: [ColumnSpecification] {
        columns.map { ColumnSpecification(keyspace: tableKeyspace, table: tableName, name: $0.name, type: $0.column.type) }
    }

    /// One result row's cells.
    func cells(_ row: SystemRow) -> [[UInt8]?] {
        columns.map { (row[$0.column.name] ?? .null).serialized }
    }
}

/// A WHERE clause over a system table: a conjunction of `column = literal` and
/// `column IN (literals)` relations, compared as text (strings exactly, UUID literals in the
/// lower case the rows use).
struct SystemFilter {
    private let relations: [(column: String, accepted: Set<String>)]

    /// - Throws: Invalid for unknown columns, non-literal values, or other relation shapes.
    init(_ clause: CQLWhereExpression?, table: SystemTable) throws(ErrorResponse) {
        guard let clause else {
            relations = []
            return
        }
        guard let conjunction = clause.conjunction else {
            throw ErrorResponse(.invalid, message: "only AND-ed equality relations are supported on system tables")
        }
        var parsed: [(column: String, accepted: Set<String>)] = []
        for relation in conjunction {
            let (column, terms): (String, [CQLTerm])
            switch relation {
            case .compare(.column(let name), .equal, let term): (column, terms) = (name, [term])
            case .in(.column(let name), let list): (column, terms) = (name, list)
            default:
                throw ErrorResponse(.invalid, message: "only equality and IN relations are supported on system tables")
            }
            guard table.index(of: column) != nil else {
                throw ErrorResponse(.invalid, message: "Undefined column name \(column)")
            }
            var accepted: Set<String> = []
            for term in terms { accepted.insert(try Self.text(of: term)) }
            parsed.append((column, accepted))
        }
        relations = parsed
    }

    private static func text(of term: CQLTerm) throws(ErrorResponse) -> String {
        switch term {
        case .string(let text): return text
        case .integer(let text), .uuid(let text): return text.lowercased()
        case .boolean(let value): return value ? "true" : "false"
        default: throw ErrorResponse(.invalid, message: "only literal values can be compared on system tables")
        }
    }

    /// Whether `row` satisfies every relation.
    func matches(_ row: SystemRow) -> Bool {
        relations.allSatisfy { relation in
            guard let text = row[relation.column]?.comparableText else { return false }
            return relation.accepted.contains(text)
        }
    }
}
