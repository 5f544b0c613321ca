import CQL
import KVCore

/// Turns a type as written in DDL (`CQLType`) into the stored `CQLDataType`, with
/// Cassandra's rules and messages: collections nested in collections must be frozen,
/// tuples are always frozen, and a user-defined type is looked up in the statement's
/// keyspace (only there: Cassandra refuses types of other keyspaces) and must be frozen
/// inside a collection.
struct DeclaredTypeResolver {
    let schema: Schema
    /// The keyspace of the table or type being defined.
    let keyspace: String

    /// Resolves `type`; `insideCollection` and `frozen` say where it is nested.
    func dataType(_ type: CQLType, insideCollection: Bool = false, frozen: Bool = false) throws(ErrorResponse) -> CQLDataType {
        switch type {
        case .native(let native):
            guard let scalar = SchemaTypeText.scalars[native.rawValue] else {
                throw ErrorResponse(.invalid, message: "Unknown type \(native.rawValue)")
            }
            if scalar == .counter { throw ErrorResponse(.invalid, message: "counter columns are not supported yet") }
            return scalar
        case .list(let element):
            let inner = CQLDataType.list(try nested(element, frozen: frozen))
            return try wrapped(inner, insideCollection: insideCollection, frozen: frozen)
        case .set(let element):
            let inner = CQLDataType.set(try nested(element, frozen: frozen))
            return try wrapped(inner, insideCollection: insideCollection, frozen: frozen)
        case .map(let key, let value):
            let inner = CQLDataType.map(try nested(key, frozen: frozen), try nested(value, frozen: frozen))
            return try wrapped(inner, insideCollection: insideCollection, frozen: frozen)
        case .tuple(let elements):
            var resolved: [CQLDataType] = []
            for element in elements { resolved.append(try dataType(element, insideCollection: true, frozen: true)) }
            return .frozen(.tuple(resolved))
        case .frozen(let inner):
            let resolved = try dataType(inner, insideCollection: false, frozen: true)
            if case .frozen = resolved { return resolved }
            if SchemaTypeText.scalars.values.contains(resolved) { return resolved }
            return .frozen(resolved)
        case .userDefined(let name):
            let udt = try userType(name)
            if insideCollection && !frozen {
                throw ErrorResponse(.invalid, message: "Non-frozen UDTs are not allowed inside collections: \(udt)")
            }
            return insideCollection ? .frozen(udt) : udt
        }
    }

    private func nested(_ type: CQLType, frozen: Bool) throws(ErrorResponse) -> CQLDataType {
        try dataType(type, insideCollection: true, frozen: frozen)
    }

    /// A collection inside another is frozen, and must have been declared so.
    private func wrapped(_ inner: CQLDataType, insideCollection: Bool, frozen: Bool) throws(ErrorResponse) -> CQLDataType {
        guard insideCollection else { return inner }
        if !frozen { throw ErrorResponse(.invalid, message: "Non-frozen collections are not allowed inside collections") }
        return .frozen(inner)
    }

    private func userType(_ name: CQLQualifiedName) throws(ErrorResponse) -> CQLDataType {
        if let other = name.keyspace, other != keyspace {
            throw ErrorResponse(.invalid, message: "Statement on keyspace \(keyspace) cannot refer to a user type in keyspace \(other); user types can only be used in the keyspace they are defined in")
        }
        guard let type = schema.userType(keyspace, name.name) else {
            throw ErrorResponse(.invalid, message: "Unknown type \(keyspace).\(name.name)")
        }
        return type.dataType
    }

    /// A field type of `CREATE TYPE` or `ALTER TYPE ... ADD`: a UDT inside must be frozen
    /// and counters are refused, as in Cassandra.
    func fieldType(_ type: CQLType) throws(ErrorResponse) -> CQLDataType {
        let resolved = try dataType(type)
        if case .udt = resolved { throw ErrorResponse(.invalid, message: "A user type cannot contain non-frozen UDTs") }
        return resolved
    }

    /// Cassandra's checks on a column's type beyond the type itself: a non-frozen UDT may
    /// not hold non-frozen collections, and no key column may be non-frozen.
    static func checkColumn(_ name: String, type: CQLDataType, isKey: Bool) throws(ErrorResponse) {
        if case .udt(_, let typeName, let fields) = type {
            if isKey {
                throw ErrorResponse(.invalid, message: "Invalid non-frozen user-defined type \"\(typeName)\" for PRIMARY KEY column '\(name)'")
            }
            if fields.contains(where: { CollectionCells.isMultiCell($0.type) }) {
                throw ErrorResponse(.invalid, message: "Non-frozen UDTs with nested non-frozen collections are not supported")
            }
        }
        if isKey, CollectionCells.isMultiCell(type) {
            throw ErrorResponse(.invalid, message: "Invalid non-frozen collection type for PRIMARY KEY component \(name)")
        }
    }
}

extension SchemaService {
    /// A declared type that may not name a user-defined type (a `CAST` target): resolved
    /// against an empty schema, so any UDT is unknown.
    static func dataType(_ type: CQLType) throws(ErrorResponse) -> CQLDataType {
        try DeclaredTypeResolver(schema: Schema(), keyspace: "").dataType(type)
    }
}
