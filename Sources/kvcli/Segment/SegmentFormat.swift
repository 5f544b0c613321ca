import ArgumentParser
import KVClient
import KVCore
import struct KVClient.Row

/// How `kvcli segment` writes rows: CSV (a header line, then RFC 4180 records) or NDJSON
/// (one JSON object per row, keyed by column name).
enum SegmentFormat: String, ExpressibleByArgument, CaseIterable {
    case csv
    case ndjson

    /// The text before the first row (the CSV header line), or nil.
    func header(_ columns: ResultColumns) -> String? {
        switch self {
        case .csv: return columns.names.map(Self.csvField).joined(separator: ",") + "\r\n"
        case .ndjson: return nil
        }
    }

    /// One row, with its line ending.
    func record(_ row: Row) -> String {
        switch self {
        case .csv:
            return zip(row.values, row.columns.types).map { Self.csvField(Self.csvText($0, type: $1)) }
                .joined(separator: ",") + "\r\n"
        case .ndjson:
            let values = zip(row.values, row.columns.types).map { CQLValueJSON.json($0, type: $1) }
            return CQLValueJSON.object(names: row.columns.names, values: values) + "\n"
        }
    }

    /// A cell as cqlsh prints it, except that null is an empty field and floating-point
    /// numbers keep every digit (an export must not round them as cqlsh's display does).
    private static func csvText(_ value: CQLValue?, type: CQLDataType) -> String {
        switch value {
        case nil: return ""
        case .double(let number)?: return CQLValueJSON.floatingPointText(number)
        case .float(let number)?: return CQLValueJSON.floatingPointText(number)
        default: return CQLValueFormatter.format(value, type: type)
        }
    }

    /// RFC 4180: a field holding a comma, quote, CR or LF is quoted, inner quotes doubled.
    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        var quoted = "\""
        for character in text {
            if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
        }
        return quoted + "\""
    }
}
