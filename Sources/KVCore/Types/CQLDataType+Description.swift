extension CQLDataType: CustomStringConvertible {
    /// The type's name as Cassandra's `DESCRIBE` prints it: `int`, `map<text, int>`,
    /// `frozen<list<int>>`, `tuple<int, text>`, and a UDT by its name (`frozen<address>`).
    public var description: String {
        switch self {
        case .list(let element): return "list<\(element)>"
        case .set(let element): return "set<\(element)>"
        case .map(let key, let value): return "map<\(key), \(value)>"
        case .tuple(let elements): return "tuple<\(elements.map(\.description).joined(separator: ", "))>"
        case .udt(_, let name, _): return Self.quotedIfNeeded(name)
        case .frozen(let inner): return "frozen<\(inner)>"
        default: return scalarName
        }
    }

    /// A UDT name as CQL text: double-quoted unless it is a plain lower-case identifier
    /// (the names unquoted CQL can produce), with `"` doubled.
    static func quotedIfNeeded(_ name: String) -> String {
        let plain = name.first.map { $0.isASCII && ($0.isLowercase || $0 == "_") } ?? false
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        return plain ? name : "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    private var scalarName: String {
        switch self {
        case .ascii: return "ascii"
        case .bigint: return "bigint"
        case .blob: return "blob"
        case .boolean: return "boolean"
        case .counter: return "counter"
        case .date: return "date"
        case .decimal: return "decimal"
        case .double: return "double"
        case .duration: return "duration"
        case .float: return "float"
        case .inet: return "inet"
        case .int: return "int"
        case .smallint: return "smallint"
        case .text: return "text"
        case .time: return "time"
        case .timestamp: return "timestamp"
        case .timeuuid: return "timeuuid"
        case .tinyint: return "tinyint"
        case .uuid: return "uuid"
        case .varint: return "varint"
        default: return "?"
        }
    }
}
