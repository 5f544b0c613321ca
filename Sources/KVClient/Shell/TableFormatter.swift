/// Lays out rows the way cqlsh prints them:
///
/// ```
///
///  key | value
/// -----+-------
///    1 |     a
///
/// (1 rows)
/// ```
/// Headers are left-aligned (trailing spaces trimmed), values right-aligned, columns as wide
/// as their widest cell, one space of margin, ` | ` between columns.
public enum TableFormatter {
    /// The header line, the separator and one line per row, each ending in a newline.
    /// Requires every row to have one cell per header.
    public static func table(header: [String], rows: [[String]]) -> String {
        var widths = header.map(displayWidth)
        for row in rows {
            precondition(row.count == header.count, "one cell per column")
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
        }
        var output = " " + zip(header, widths).map { pad($0, to: $1, right: false) }
            .joined(separator: " | ").trimmingTrailingSpaces + "\n"
        output += "-" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "-\n"
        for row in rows {
            output += " " + zip(row, widths).map { pad($0, to: $1, right: true) }.joined(separator: " | ") + "\n"
        }
        return output
    }

    /// A whole result as cqlsh prints it: a blank line, the table, a blank line, `(N rows)`.
    public static func result(header: [String], rows: [[String]], rowCount: Int? = nil) -> String {
        "\n" + table(header: header, rows: rows) + "\n" + rowCountLine(rowCount ?? rows.count) + "\n"
    }

    /// `(N rows)`, cqlsh's count line (it says "rows" even for one).
    public static func rowCountLine(_ count: Int) -> String { "(\(count) rows)" }

    /// The columns a cell takes: its characters (wide East Asian characters are counted as
    /// one, unlike cqlsh).
    static func displayWidth(_ text: String) -> Int { text.count }

    private static func pad(_ text: String, to width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: max(0, width - displayWidth(text)))
        return right ? padding + text : text + padding
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
