import CQL
import KVCore

/// `INSERT ... JSON`: a JSON value becomes the CQL literal Cassandra's JSON codecs accept for
/// the column's type — strings for text, dates, uuids, inets and `0x` blobs; numbers (or
/// numeric strings) for numbers; arrays for lists, sets and tuples; objects for maps, whose
/// keys are strings holding the key's JSON.
extension JSONValue {
    func term(for type: CQLDataType, column: String) throws(ErrorResponse) -> CQLTerm {
        switch (self, type.unfrozen) {
        case (.null, _): return .null
        case (.bool(let flag), .boolean): return .boolean(flag)
        case (.string(let text), .boolean) where ["true", "false"].contains(text.lowercased()):
            return .boolean(text.lowercased() == "true")
        case (.number(let text), let target) where Self.isNumeric(target) || target == .timestamp || target == .date:
            return Self.numberTerm(text)
        case (.string(let text), let target) where Self.isNumeric(target):
            return Self.numberTerm(text)
        case (.string(let text), .text), (.string(let text), .ascii), (.string(let text), .inet),
             (.string(let text), .timestamp), (.string(let text), .date), (.string(let text), .time):
            return .string(text)
        case (.string(let text), .uuid), (.string(let text), .timeuuid): return .uuid(text)
        case (.string(let text), .duration): return .duration(text)
        case (.string(let text), .blob):
            guard text.hasPrefix("0x") else {
                throw Self.error(column, "Value '\(text)' is not a valid blob representation: String representation of blob is missing 0x prefix")
            }
            return .blob(String(text.dropFirst(2)))
        case (.array(let elements), .list(let element)):
            return .list(try Self.terms(elements, type: element, column: column))
        case (.array(let elements), .set(let element)):
            return .set(try Self.terms(elements, type: element, column: column))
        case (.array(let elements), .tuple(let types)):
            guard elements.count <= types.count else { throw Self.error(column, "Tuple contains extra items") }
            var fields: [CQLTerm] = []
            for (element, fieldType) in zip(elements, types) { fields.append(try element.term(for: fieldType, column: column)) }
            return .tuple(fields)
        case (.object(let members), .map(let keyType, let valueType)):
            var entries: [CQL.CQLMapEntry] = []
            for member in members {
                entries.append(CQL.CQLMapEntry(key: try Self.keyTerm(member.key, type: keyType, column: column),
                                               value: try member.value.term(for: valueType, column: column)))
            }
            return .map(entries)
        case (.object(let members), .udt(_, let name, let fields)):
            return try Self.userTypeTerm(members, name: name, fields: fields, column: column)
        default:
            throw Self.error(column, "Expected a value of type \(type) but got \(self.kind)")
        }
    }

    private var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// A UDT: an object keyed by field name (a quoted key keeps its case, as in Cassandra).
    private static func userTypeTerm(_ members: [(key: String, value: JSONValue)], name: String, fields: [CQLUDTField],
                                     column: String) throws(ErrorResponse) -> CQLTerm {
        var values: [CQLFieldValue] = []
        for member in members {
            var key = member.key
            if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
            guard let field = fields.first(where: { $0.name == key }) else {
                throw Self.error(column, "Unknown field '\(key)' in value of user defined type \(name)")
            }
            values.append(CQLFieldValue(field: key, value: try member.value.term(for: field.type, column: column)))
        }
        return .userType(values)
    }

    private static func terms(_ values: [JSONValue], type: CQLDataType, column: String) throws(ErrorResponse) -> [CQLTerm] {
        var terms: [CQLTerm] = []
        for value in values { terms.append(try value.term(for: type, column: column)) }
        return terms
    }

    /// A map key: JSON object keys are strings; a key of another type is that string's JSON.
    private static func keyTerm(_ key: String, type: CQLDataType, column: String) throws(ErrorResponse) -> CQLTerm {
        switch type.unfrozen {
        case .text, .ascii, .inet, .timestamp, .date, .time, .uuid, .timeuuid, .duration, .blob, .boolean:
            return try JSONValue.string(key).term(for: type, column: column)
        default:
            if isNumeric(type.unfrozen) { return numberTerm(key) }
            let parsed: JSONValue
            do {
                parsed = try JSONValue.parse(key)
            } catch {
                throw Self.error(column, error.description)
            }
            return try parsed.term(for: type, column: column)
        }
    }

    private static func isNumeric(_ type: CQLDataType) -> Bool {
        switch type {
        case .tinyint, .smallint, .int, .bigint, .varint, .float, .double, .decimal, .counter: true
        default: false
        }
    }

    private static func numberTerm(_ text: String) -> CQLTerm {
        let trimmed = text.trimmingPrefix("+")
        let isInteger = !trimmed.isEmpty && trimmed.enumerated().allSatisfy { $1.isASCII && ($1.isNumber || ($0 == 0 && $1 == "-")) }
        return isInteger ? .integer(String(trimmed)) : .float(String(trimmed))
    }

    private static func error(_ column: String, _ reason: String) -> ErrorResponse {
        ErrorResponse(.invalid, message: "Error decoding JSON value for \(column): \(reason)")
    }
}
