import KVCore

/// The schema's byte form, for the `schema` file and for `.schemaPush`/`.schemaPull`:
///
/// ```
/// kvschema 1|2
/// K <name> <timestamp> <dropped 0|1> <durable 0|1> <replication k=v;k=v>
/// U <keyspace> <name> <timestamp> <dropped 0|1> <field names n;n;...> <field types t;t;...>   (version 2 only)
/// T <keyspace> <name> <id hex> <timestamp> <dropped> <next column id> <ttl> <gc grace> <compaction k=v;...> <comment>
/// C <keyspace> <table> <id> <name> <kind> <position> <descending 0|1> <type text>
/// checksum <16 hex digits: FNV-1a 64 of every byte before this line>
/// ```
///
/// Fields are tab-separated and percent-escaped (`%`, tab, newline, `=`, `;`, controls).
/// Type texts name a user-defined type by its name alone (`frozen<address>`), in the
/// keyspace of the line; decoding resolves the names against the `U` lines.
///
/// Version 2 adds `U` lines (user-defined types). A schema without types is written as
/// version 1, byte for byte what older nodes write and read; both versions decode.
enum SchemaCodec {
    static let header = "kvschema 1"
    static let headerWithTypes = "kvschema 2"

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    static func encode(_ schema: Schema) -> [UInt8] {
        var text = (schema.types.isEmpty ? header : headerWithTypes) + "\n"
        for name in schema.keyspaces.keys.sorted() { text += line(schema.keyspaces[name]!) + "\n" }
        for key in schema.types.keys.sorted() { text += line(schema.types[key]!) + "\n" }
        for key in schema.tables.keys.sorted() { text += lines(schema.tables[key]!).joined(separator: "\n") + "\n" }
        let body = Array(text.utf8)
        return body + Array("checksum \(hex(checksum(body)))\n".utf8)
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Schema {
        let marker = Array("checksum ".utf8)
        guard bytes.count >= marker.count + 17,
              let start = (0...(bytes.count - marker.count)).reversed().first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker }),
              start == 0 || bytes[start - 1] == 10 else {
            throw DecodeError(description: "schema: missing checksum")
        }
        let body = Array(bytes[..<start])
        let stated = String(decoding: bytes[(start + marker.count)...], as: UTF8.self).trimmingNewline
        guard stated == hex(checksum(body)) else { throw DecodeError(description: "schema: checksum mismatch") }
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        let version = lines.first.map(String.init)
        guard version == header || version == headerWithTypes else {
            throw DecodeError(description: "schema: unknown format version")
        }
        var schema = Schema()
        var columns: [String: [SchemaColumn]] = [:]
        for raw in lines.dropFirst() {
            let fields = raw.split(separator: "\t", omittingEmptySubsequences: false).map { unescape(String($0)) }
            switch fields.first {
            case "K" where fields.count == 6:
                guard let timestamp = Int64(fields[2]) else { throw DecodeError(description: "schema: bad keyspace line") }
                schema.keyspaces[fields[1]] = KeyspaceSchema(name: fields[1], replication: try map(fields[5]),
                                                             durableWrites: fields[4] == "1", timestamp: timestamp,
                                                             dropped: fields[3] == "1")
            case "U" where fields.count == 7 && version == headerWithTypes:
                let type = try userType(fields)
                schema.types[type.key] = type
            case "T" where fields.count == 11:
                guard let id = TableID(hex: fields[3]), let timestamp = Int64(fields[4]), let next = UInt32(fields[6]),
                      let ttl = Int32(fields[7]), let gc = Int32(fields[8]) else {
                    throw DecodeError(description: "schema: bad table line")
                }
                let table = TableSchema(keyspace: fields[1], name: fields[2], id: id, columns: [], nextColumnID: next,
                                        defaultTimeToLive: ttl, gcGraceSeconds: gc, compaction: try map(fields[9]),
                                        comment: fields[10], timestamp: timestamp, dropped: fields[5] == "1")
                schema.tables[table.key] = table
            case "C" where fields.count == 9:
                guard let id = UInt32(fields[3]), let kind = SchemaColumnKind(rawValue: fields[5]),
                      let position = Int32(fields[6]) else { throw DecodeError(description: "schema: bad column line") }
                let type: CQLDataType
                do { type = try SchemaTypeText.parse(fields[8], keyspace: fields[1]) } catch {
                    throw DecodeError(description: "schema: \(error)")
                }
                columns["\(fields[1]).\(fields[2])", default: []].append(
                    SchemaColumn(id: id, name: fields[4], kind: kind, position: position, descending: fields[7] == "1", type: type))
            default:
                throw DecodeError(description: "schema: malformed line")
            }
        }
        for (key, list) in columns {
            guard schema.tables[key] != nil else { throw DecodeError(description: "schema: columns of unknown table \(key)") }
            schema.tables[key]!.columns = list
        }
        return schema.resolvingUserTypes()
    }

    /// A `U` line's type; its fields name other types unresolved until the whole schema is read.
    private static func userType(_ fields: [String]) throws(DecodeError) -> UserTypeSchema {
        guard let timestamp = Int64(fields[3]) else { throw DecodeError(description: "schema: bad type line") }
        let names = list(fields[5])
        let typeTexts = list(fields[6])
        guard names.count == typeTexts.count, !names.isEmpty else { throw DecodeError(description: "schema: bad type line") }
        var typeFields: [CQLUDTField] = []
        for (name, text) in zip(names, typeTexts) {
            do {
                typeFields.append(CQLUDTField(name: name, type: try SchemaTypeText.parse(text, keyspace: fields[1])))
            } catch {
                throw DecodeError(description: "schema: \(error)")
            }
        }
        return UserTypeSchema(keyspace: fields[1], name: fields[2], fields: typeFields, timestamp: timestamp,
                              dropped: fields[4] == "1")
    }

    static func line(_ type: UserTypeSchema) -> String {
        ["U", type.keyspace, type.name, String(type.timestamp), type.dropped ? "1" : "0",
         listText(type.fields.map(\.name)), listText(type.fields.map(\.type.description))].map(escape).joined(separator: "\t")
    }

    private static func listText(_ items: [String]) -> String {
        items.map(escape).joined(separator: ";")
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ";", omittingEmptySubsequences: false).map { unescape(String($0)) }
    }

    static func line(_ keyspace: KeyspaceSchema) -> String {
        ["K", keyspace.name, String(keyspace.timestamp), keyspace.dropped ? "1" : "0", keyspace.durableWrites ? "1" : "0",
         mapText(keyspace.replication)].map(escape).joined(separator: "\t")
    }

    static func lines(_ table: TableSchema) -> [String] {
        let head = ["T", table.keyspace, table.name, table.id.description, String(table.timestamp), table.dropped ? "1" : "0",
                    String(table.nextColumnID), String(table.defaultTimeToLive), String(table.gcGraceSeconds),
                    mapText(table.compaction), table.comment].map(escape).joined(separator: "\t")
        let columns = table.columns.sorted { $0.id < $1.id }.map { column in
            ["C", table.keyspace, table.name, String(column.id), column.name, column.kind.rawValue, String(column.position),
             column.descending ? "1" : "0", column.type.description].map(escape).joined(separator: "\t")
        }
        return [head] + columns
    }

    private static func mapText(_ map: [String: String]) -> String {
        map.keys.sorted().map { "\(escape($0))=\(escape(map[$0]!))" }.joined(separator: ";")
    }

    private static func map(_ text: String) throws(DecodeError) -> [String: String] {
        var result: [String: String] = [:]
        for entry in text.split(separator: ";") {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw DecodeError(description: "schema: bad map entry") }
            result[unescape(String(parts[0]))] = unescape(String(parts[1]))
        }
        return result
    }

    static func escape(_ text: String) -> String { escapeUTF8(text) }

    private static func escapeUTF8(_ text: String) -> String {
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x25 || byte == 0x3D || byte == 0x3B || byte == 0x7F {
                bytes += Array(("%" + (byte < 16 ? "0" : "") + String(byte, radix: 16)).utf8)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("%") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension String {
    fileprivate var trimmingNewline: String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}

/// Parses the CQL type text `CQLDataType.description` prints (`map<text, int>`,
/// `frozen<list<int>>`, `tuple<int, text>`, `frozen<address>`). Any other name is a
/// user-defined type of `keyspace`, returned without fields for the caller to resolve
/// (`Schema.resolvingUserTypes`).
enum SchemaTypeText {
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String, keyspace: String) throws(ParseError) -> CQLDataType {
        var tokens: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            // A quoted name keeps its case and may hold any character; `""` is a quote.
            if character == "\"" { quoted.toggle(); current.append(character); continue }
            if quoted { current.append(character); continue }
            if character == "<" || character == ">" || character == "," {
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(character))
            } else if character == " " {
                if !current.isEmpty { tokens.append(current); current = "" }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        var index = 0
        let type = try parseType(tokens, &index, keyspace: keyspace)
        guard index == tokens.count else { throw ParseError(description: "bad type \(text)") }
        return type
    }

    private static func parseType(_ tokens: [String], _ index: inout Int, keyspace: String) throws(ParseError) -> CQLDataType {
        guard index < tokens.count else { throw ParseError(description: "truncated type") }
        let token = tokens[index]
        if token.hasPrefix("\"") {
            index += 1
            return .udt(keyspace: keyspace, name: unquoted(token), fields: [])
        }
        let name = token.lowercased()
        index += 1
        var arguments: [CQLDataType] = []
        if index < tokens.count, tokens[index] == "<" {
            index += 1
            while true {
                arguments.append(try parseType(tokens, &index, keyspace: keyspace))
                guard index < tokens.count else { throw ParseError(description: "truncated type") }
                let separator = tokens[index]
                index += 1
                if separator == ">" { break }
                guard separator == "," else { throw ParseError(description: "bad type separator") }
            }
        }
        switch (name, arguments.count) {
        case ("list", 1): return .list(arguments[0])
        case ("set", 1): return .set(arguments[0])
        case ("map", 2): return .map(arguments[0], arguments[1])
        case ("frozen", 1): return .frozen(arguments[0])
        case ("tuple", _) where !arguments.isEmpty: return .tuple(arguments)
        case (_, 0):
            return scalars[name] ?? .udt(keyspace: keyspace, name: name, fields: [])
        default: throw ParseError(description: "bad type \(name)")
        }
    }

    private static func unquoted(_ token: String) -> String {
        String(token.dropFirst().dropLast()).replacing("\"\"", with: "\"")
    }

    static let scalars: [String: CQLDataType] = [
        "ascii": .ascii, "bigint": .bigint, "blob": .blob, "boolean": .boolean, "counter": .counter, "date": .date,
        "decimal": .decimal, "double": .double, "duration": .duration, "float": .float, "inet": .inet, "int": .int,
        "smallint": .smallint, "text": .text, "varchar": .text, "time": .time, "timestamp": .timestamp,
        "timeuuid": .timeuuid, "tinyint": .tinyint, "uuid": .uuid, "varint": .varint,
    ]
}
