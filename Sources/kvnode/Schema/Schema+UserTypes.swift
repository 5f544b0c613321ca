import KVCore

/// User-defined types within the schema: lookups, who uses a type, and keeping every
/// reference to a type in step with its definition.
///
/// Columns and fields hold resolved types (`.udt` with the fields), because the query
/// path and the wire metadata need the fields. The stored text names a UDT only, so after
/// any change (DDL, merge, load) `resolvingUserTypes()` rewrites each reference from the
/// type's current definition: `ALTER TYPE ... ADD` reaches every table and type using it.
extension Schema {
    var liveTypes: [UserTypeSchema] { types.values.filter { !$0.dropped }.sorted { $0.key < $1.key } }

    func userType(_ keyspace: String, _ name: String) -> UserTypeSchema? {
        types["\(keyspace).\(name)"].flatMap { $0.dropped ? nil : $0 }
    }

    /// The schema with every UDT reference (in type fields and table columns) carrying the
    /// referenced type's current fields. A reference to a type this schema lacks (a drop
    /// that raced a use on another node) keeps the fields it had.
    func resolvingUserTypes() -> Schema {
        var resolved = self
        for (key, type) in types {
            resolved.types[key]?.fields = type.fields.map { CQLUDTField(name: $0.name, type: self.resolved($0.type)) }
        }
        for (key, table) in tables {
            resolved.tables[key]?.columns = table.columns.map { column in
                var column = column
                column.type = self.resolved(column.type)
                return column
            }
        }
        return resolved
    }

    /// `type` with each UDT it mentions replaced by the type's current definition.
    func resolved(_ type: CQLDataType, depth: Int = 0) -> CQLDataType {
        guard depth <= CQLTypeLimits.maxNestingDepth else { return type }
        switch type {
        case .udt(let keyspace, let name, let fields):
            let current = types["\(keyspace).\(name)"]?.fields ?? fields
            return .udt(keyspace: keyspace, name: name,
                        fields: current.map { CQLUDTField(name: $0.name, type: resolved($0.type, depth: depth + 1)) })
        case .list(let element): return .list(resolved(element, depth: depth + 1))
        case .set(let element): return .set(resolved(element, depth: depth + 1))
        case .map(let key, let value): return .map(resolved(key, depth: depth + 1), resolved(value, depth: depth + 1))
        case .tuple(let elements): return .tuple(elements.map { resolved($0, depth: depth + 1) })
        case .frozen(let inner): return .frozen(resolved(inner, depth: depth + 1))
        default: return type
        }
    }

    /// The live tables and types of `keyspace` that use the type `name`, as Cassandra names
    /// them when refusing to drop it.
    func users(ofType name: String, keyspace: String) -> (tables: [String], types: [String]) {
        let tables = liveTables.filter { table in
            table.keyspace == keyspace && table.columns.contains { $0.type.mentions(keyspace: keyspace, type: name) }
        }
        let types = liveTypes.filter { type in
            type.keyspace == keyspace && type.name != name
                && type.fields.contains { $0.type.mentions(keyspace: keyspace, type: name) }
        }
        return (tables.map(\.name), types.map(\.name))
    }
}

extension CQLDataType {
    /// Whether this type is, or contains at any depth, the UDT `keyspace.type`.
    func mentions(keyspace: String, type: String) -> Bool {
        switch self {
        case .udt(let udtKeyspace, let name, let fields):
            if udtKeyspace == keyspace && name == type { return true }
            return fields.contains { $0.type.mentions(keyspace: keyspace, type: type) }
        case .list(let element), .set(let element), .frozen(let element):
            return element.mentions(keyspace: keyspace, type: type)
        case .map(let key, let value):
            return key.mentions(keyspace: keyspace, type: type) || value.mentions(keyspace: keyspace, type: type)
        case .tuple(let elements):
            return elements.contains { $0.mentions(keyspace: keyspace, type: type) }
        default:
            return false
        }
    }
}
