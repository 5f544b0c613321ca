import KVCore

/// Turns decoded rows into the cells `TableFormatter` lays out.
public enum ResultTable {
    /// The formatted cells of `rows` (whose columns are `columns`).
    public static func cells(_ rows: [Row], columns: ResultColumns) -> [[String]] {
        rows.map { row in
            row.values.enumerated().map { CQLValueFormatter.format($0.element, type: columns.types[$0.offset]) }
        }
    }

    /// A whole page as cqlsh prints it (blank line, table, blank line, `(N rows)`).
    public static func render(_ rows: [Row], columns: ResultColumns, rowCount: Int? = nil) -> String {
        TableFormatter.result(header: columns.names, rows: cells(rows, columns: columns), rowCount: rowCount)
    }
}
