import CQL

/// One cell of a virtual system table, before serialization. Each case names the CQL type
/// its bytes follow, so a column's declared `DataTypeOption` must agree with the cases it holds.
enum SystemValue: Sendable, Equatable {
    case null
    case text(String)
    case int(Int32)
    case double(Double)
    case boolean(Bool)
    /// A UUID in its 36-character text form.
    case uuid(String)
    /// An IPv4 address in dotted form (anything else serializes as null).
    case inet(String)
    /// A set<text> or list<text> (same wire layout).
    case textCollection([String])
    /// A map<text,text>, in the given (sorted) order.
    case textMap([(String, String)])

    static func == (lhs: SystemValue, rhs: SystemValue) -> Bool {
        lhs.serialized == rhs.serialized
    }

    /// The protocol `[bytes]` content, or nil for null.
    var serialized: [UInt8]? {
        switch self {
        case .null: return nil
        case .text(let text): return Array(text.utf8)
        case .int(let value): return Self.bigEndian(UInt32(bitPattern: value))
        case .double(let value): return Self.bigEndian(value.bitPattern)
        case .boolean(let value): return [value ? 1 : 0]
        case .uuid(let text): return Self.uuidBytes(text)
        case .inet(let text): return IPv4Address(text)?.octets
        case .textCollection(let elements): return Self.collection(elements.map { [$0] })
        case .textMap(let entries): return Self.collection(entries.map { [$0.0, $0.1] })
        }
    }

    /// The text a WHERE literal is compared with (nil for null and collections).
    var comparableText: String? {
        switch self {
        case .text(let text), .uuid(let text), .inet(let text): return text
        case .int(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        default: return nil
        }
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    private static func collection(_ entries: [[String]]) -> [UInt8] {
        var bytes = bigEndian(Int32(entries.count))
        for entry in entries {
            for part in entry {
                let utf8 = Array(part.utf8)
                bytes += bigEndian(Int32(utf8.count)) + utf8
            }
        }
        return bytes
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`; nil when malformed.
    static func uuidBytes(_ text: String) -> [UInt8]? {
        let hex = Array(text.filter { $0 != "-" })
        guard hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 32, by: 2) {
            guard let byte = UInt8(String(hex[index...index + 1]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

/// The role of a column in its table, as `system_schema.columns.kind` spells it.
enum SystemColumnKind: String, Sendable {
    case partitionKey = "partition_key"
    case clustering
    case regular
}

/// One column of a virtual system table: its wire type and its CQL type text (for
/// `system_schema.columns.type`), which must describe the same type.
struct SystemColumn: Sendable {
    let name: String
    let type: DataTypeOption
    let cqlType: String
    var kind: SystemColumnKind = .regular
    var position: Int32 = -1

    static func text(_ name: String) -> SystemColumn { SystemColumn(name: name, type: .varchar, cqlType: "text") }
    static func int(_ name: String) -> SystemColumn { SystemColumn(name: name, type: .int, cqlType: "int") }
    static func double(_ name: String) -> SystemColumn { SystemColumn(name: name, type: .double, cqlType: "double") }
    static func boolean(_ name: String) -> SystemColumn { SystemColumn(name: name, type: .boolean, cqlType: "boolean") }
    static func uuid(_ name: String) -> SystemColumn { SystemColumn(name: name, type: .uuid, cqlType: "uuid") }
    static func inet(_ name: String) -> SystemColumn { SystemColumn(name: name, type: .inet, cqlType: "inet") }
    static func textSet(_ name: String, frozen: Bool = false) -> SystemColumn {
        SystemColumn(name: name, type: .set(.varchar), cqlType: frozen ? "frozen<set<text>>" : "set<text>")
    }
    static func textList(_ name: String) -> SystemColumn {
        SystemColumn(name: name, type: .list(.varchar), cqlType: "frozen<list<text>>")
    }
    static func textMap(_ name: String, frozen: Bool = true) -> SystemColumn {
        SystemColumn(name: name, type: .map(key: .varchar, value: .varchar),
                     cqlType: frozen ? "frozen<map<text, text>>" : "map<text, text>")
    }
    static func blobMap(_ name: String, keyType: DataTypeOption, keyText: String, frozen: Bool) -> SystemColumn {
        let inner = "map<\(keyText), blob>"
        return SystemColumn(name: name, type: .map(key: keyType, value: .blob), cqlType: frozen ? "frozen<\(inner)>" : inner)
    }

    /// This column as a key component at `position`.
    func key(_ kind: SystemColumnKind, _ position: Int32) -> SystemColumn {
        var column = self
        column.kind = kind
        column.position = position
        return column
    }
}

/// A virtual, read-only system table: its schema; rows come from `SystemQueryHandler`.
struct SystemTable: Sendable {
    let keyspace: String
    let name: String
    /// Key columns first (partition key, then clustering), then the regular ones by name.
    let columns: [SystemColumn]
    var comment: String = ""

    /// The index of a column by name.
    func index(of column: String) -> Int? { columns.firstIndex { $0.name == column } }
}

/// A row as the handler builds it: column name → value (missing columns are null).
typealias SystemRow = [String: SystemValue]
