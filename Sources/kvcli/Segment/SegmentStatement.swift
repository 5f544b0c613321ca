import Foundation
import KVClient
import KVCore

/// The SELECT that `kvcli segment` runs: the requested columns (by default the table's
/// partition key columns) or COUNT(*), with the user's filter and ALLOW FILTERING.
struct SegmentStatement {
    let keyspace: String
    let table: String

    /// Splits `ks.t`. Names are passed to CQL as written (quote them there if needed).
    init(qualifiedTable: String) throws {
        let parts = qualifiedTable.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw SegmentError("--table must be keyspace.table, not '\(qualifiedTable)'")
        }
        keyspace = String(parts[0])
        table = String(parts[1])
    }

    /// The query text for `selection` (a column list or `COUNT(*)`) and the filter.
    func text(selection: String, filter: String) -> String {
        "SELECT \(selection) FROM \(keyspace).\(table) WHERE \(filter) ALLOW FILTERING"
    }

    /// The partition key columns in key order, as a selection; fails when the table does
    /// not exist.
    func partitionKeySelection(client: KVClient) async throws -> String {
        // Literals, not bind markers: the system tables take only literals.
        let query = "SELECT column_name, kind, position FROM system_schema.columns "
            + "WHERE keyspace_name = \(Self.literal(Self.schemaName(keyspace))) "
            + "AND table_name = \(Self.literal(Self.schemaName(table)))"
        var keyColumns: [(position: Int32, name: String)] = []
        for try await row in client.rows(query) {
            guard case .text("partition_key")? = row["kind"], case .text(let name)? = row["column_name"] else { continue }
            guard case .int(let position)? = row["position"] else { continue }
            keyColumns.append((position, name))
        }
        guard !keyColumns.isEmpty else { throw SegmentError("table \(keyspace).\(table) does not exist") }
        return keyColumns.sorted { $0.position < $1.position }.map { Self.identifier($0.name) }.joined(separator: ", ")
    }

    /// The name as the schema stores it: a quoted CQL name without its quotes, an unquoted
    /// one in lower case (CQL folds those).
    private static func schemaName(_ name: String) -> String {
        guard name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") else { return name.lowercased() }
        return String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }

    /// `'text'` with inner quotes doubled: a CQL string literal.
    private static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A column name as CQL needs it written: bare when it is lower case letters, digits and
    /// underscores, else quoted.
    private static func identifier(_ name: String) -> String {
        let bare = name.first.map { $0.isLetter && $0.isLowercase && $0.isASCII } == true
            && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
        return bare ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
