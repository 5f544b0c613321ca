import CQL
import KVCore

/// Literals with bind markers inside: `{city: ?, zip: ?}`, `[?, ?]`, `{?: ?}`, `(?, 1)`.
/// Cassandra binds each inner marker to the part it stands for, named as Cassandra names it
/// in the PREPARED metadata: a UDT field `a.city`, a list or set element `value(c)`, a map
/// key `key(c)` and value `value(c)`, a tuple component `c[0]`. The markers of one literal
/// are numbered consecutively, in text order, so the literal remembers only its first.
enum NestedMarkers {
    /// The specifications (name and type) of the markers inside `term`, in text order;
    /// empty when it has none (a plain literal).
    static func specifications(_ term: CQLTerm, type: CQLDataType, name: String) -> [(name: String, type: CQLDataType)] {
        switch (term, type.unfrozen) {
        case (.bindMarker, _): return [(name, type)]
        case (.namedBindMarker(let given), _): return [(given, type)]
        case (.userType(let fields), .udt(_, _, let declared)):
            return fields.flatMap { field in
                declared.first { $0.name == field.field }.map { specifications(field.value, type: $0.type, name: "\(name).\(field.field)") } ?? []
            }
        case (.list(let elements), .list(let element)), (.list(let elements), .set(let element)),
             (.set(let elements), .set(let element)):
            return elements.flatMap { specifications($0, type: element, name: "value(\(name))") }
        case (.map(let entries), .map(let keyType, let valueType)):
            return entries.flatMap {
                specifications($0.key, type: keyType, name: "key(\(name))") + specifications($0.value, type: valueType, name: "value(\(name))")
            }
        case (.tuple(let elements), .tuple(let types)):
            return zip(elements, types).enumerated().flatMap { index, pair in
                specifications(pair.0, type: pair.1, name: "\(name)[\(index)]")
            }
        default:
            return []
        }
    }

    /// The value of `term` with its markers taken from `values`, starting at `next`.
    static func value(_ term: CQLTerm, type: CQLDataType, values: [ProtocolValue], next: inout Int,
                      context: TermContext) throws(ErrorResponse) -> CQLValue? {
        switch (term, type.unfrozen) {
        case (.bindMarker, _), (.namedBindMarker, _):
            return try bound(values, &next, type: type)
        case (.userType(let fields), .udt(_, let typeName, let declared)):
            var result = [CQLValue?](repeating: nil, count: declared.count)
            for field in fields {
                guard let index = declared.firstIndex(where: { $0.name == field.field }) else {
                    throw ErrorResponse(.invalid, message: "Unknown field '\(field.field)' in value of user defined type \(typeName)")
                }
                result[index] = try value(field.value, type: declared[index].type, values: values, next: &next, context: context)
            }
            return .udt(result)
        case (.list(let elements), .list(let element)):
            return .list(try elements.map { term throws(ErrorResponse) in try required(term, element, values, &next, context) })
        case (.list(let elements), .set(let element)), (.set(let elements), .set(let element)):
            return .set(try elements.map { term throws(ErrorResponse) in try required(term, element, values, &next, context) })
        case (.map(let entries), .map(let keyType, let valueType)):
            return .map(try entries.map { entry throws(ErrorResponse) in
                KVCore.CQLMapEntry(key: try required(entry.key, keyType, values, &next, context),
                                   value: try required(entry.value, valueType, values, &next, context))
            })
        case (.tuple(let elements), .tuple(let types)):
            guard elements.count <= types.count else {
                throw ErrorResponse(.invalid, message: "Invalid tuple literal: too many elements. Type \(type) expects \(types.count) but got \(elements.count)")
            }
            var result: [CQLValue?] = []
            for (element, elementType) in zip(elements, types) {
                result.append(try value(element, type: elementType, values: values, next: &next, context: context))
            }
            return .tuple(result + Array(repeating: nil, count: max(0, types.count - result.count)))
        default:
            do {
                return try term.value(as: type, context: context)
            } catch {
                throw ErrorResponse(.invalid, message: error.description)
            }
        }
    }

    private static func required(_ term: CQLTerm, _ type: CQLDataType, _ values: [ProtocolValue], _ next: inout Int,
                                 _ context: TermContext) throws(ErrorResponse) -> CQLValue {
        guard let element = try value(term, type: type, values: values, next: &next, context: context) else {
            throw ErrorResponse(.invalid, message: "null is not supported inside collections")
        }
        return element
    }

    /// The next bound value as a CQL value; unset is refused inside a literal, as in Cassandra.
    private static func bound(_ values: [ProtocolValue], _ next: inout Int, type: CQLDataType) throws(ErrorResponse) -> CQLValue? {
        guard next < values.count else {
            throw ErrorResponse(.invalid, message: "There were \(values.count) markers(?) in CQL but \(next + 1) or more values are needed")
        }
        defer { next += 1 }
        switch values[next] {
        case .null: return nil
        case .notSet: throw ErrorResponse(.invalid, message: "Invalid unset value in a collection or user type literal")
        case .bytes(let bytes):
            do {
                return try CQLValue.deserialize(bytes, as: type)
            } catch {
                throw ErrorResponse(.invalid, message: "Invalid value for bind marker \(next) of type \(type): \(error)")
            }
        }
    }
}
