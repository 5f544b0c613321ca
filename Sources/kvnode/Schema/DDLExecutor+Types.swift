import CQL
import KVCore

/// `CREATE TYPE`, `ALTER TYPE` and `DROP TYPE`, with Cassandra's checks and messages. A type
/// changes like a table: a new timestamp, then the schema is committed and propagated;
/// `execute` then re-resolves every column and field that names it.
extension SchemaService {
    func createType(_ create: CQLCreateType, sessionKeyspace: String?) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        let keyspace = try resolveKeyspace(create.name, sessionKeyspace: sessionKeyspace)
        let name = create.name.name
        try Self.validateName(name, what: "Type")
        if schema.userType(keyspace.name, name) != nil {
            if create.ifNotExists { return nil }
            throw ErrorResponse(.alreadyExists(keyspace: keyspace.name, table: name),
                                message: "A user type of name \(keyspace.name).\(name) already exists")
        }
        let resolver = DeclaredTypeResolver(schema: schema, keyspace: keyspace.name)
        var fields: [CQLUDTField] = []
        for definition in create.fields {
            guard !fields.contains(where: { $0.name == definition.name }) else {
                throw ErrorResponse(.invalid, message: "Duplicate field name \(definition.name) in type \(name)")
            }
            fields.append(CQLUDTField(name: definition.name, type: try resolver.fieldType(definition.type)))
        }
        guard fields.count <= CQLTypeLimits.maxTupleFields else {
            throw ErrorResponse(.invalid, message: "A user type cannot have more than \(CQLTypeLimits.maxTupleFields) fields")
        }
        var updated = schema
        let type = UserTypeSchema(keyspace: keyspace.name, name: name, fields: fields, timestamp: nextTimestamp())
        updated.types[type.key] = type
        return (updated, SchemaChange(change: .created, target: .type(keyspace: keyspace.name, name: name)))
    }

    /// `ALTER TYPE`; the `IF` clauses turn a missing type, an existing field to add or a
    /// missing field to rename into no change (no schema change is announced when nothing
    /// changed), as in Cassandra 5.0.
    func alterType(_ name: CQLQualifiedName, ifExists: Bool, _ change: CQLTypeChange,
                   sessionKeyspace: String?) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        let keyspace = try resolveKeyspace(name, sessionKeyspace: sessionKeyspace)
        guard var type = schema.userType(keyspace.name, name.name) else {
            if ifExists { return nil }
            throw ErrorResponse(.invalid, message: "No user type named \(keyspace.name).\(name.name) exists.")
        }
        let before = type
        switch change {
        case .addField(let definition, let ifNotExists):
            if ifNotExists && type.fields.contains(where: { $0.name == definition.name }) { return nil }
            type.fields.append(try addedField(definition, to: type))
        case .renameFields(let renames, let ifExists):
            for rename in renames where !ifExists || type.fields.contains(where: { $0.name == rename.from }) {
                try renameField(rename, in: &type)
            }
        }
        if type == before { return nil }
        type.timestamp = nextTimestamp()
        var updated = schema
        updated.types[type.key] = type
        return (updated, SchemaChange(change: .updated, target: .type(keyspace: type.keyspace, name: type.name)))
    }

    /// `ADD f t`: appended, so existing values (which stop before it) read it as null and
    /// the field cells of non-frozen values keep their indexes.
    private func addedField(_ definition: CQLColumnDefinition, to type: UserTypeSchema) throws(ErrorResponse) -> CQLUDTField {
        guard !type.fields.contains(where: { $0.name == definition.name }) else {
            throw ErrorResponse(.invalid, message: "Cannot add new field \(definition.name) to type \(type.key): a field with name \(definition.name) already exists")
        }
        let resolver = DeclaredTypeResolver(schema: schema, keyspace: type.keyspace)
        let fieldType = try resolver.fieldType(definition.type)
        if fieldType.mentions(keyspace: type.keyspace, type: type.name) {
            throw ErrorResponse(.invalid, message: "Cannot add new field \(definition.name) of type \(fieldType) to user type \(type.key) as this would create a circular reference")
        }
        // A non-frozen UDT column cannot hold a non-frozen collection (Cassandra's rule).
        if CollectionCells.isMultiCell(fieldType), let table = tableUsingNonFrozen(type) {
            throw ErrorResponse(.invalid, message: "Cannot add new field \(definition.name) of type \(fieldType) to user type \(type.key) as the type is used non-frozen by table \(table)")
        }
        guard type.fields.count < CQLTypeLimits.maxTupleFields else {
            throw ErrorResponse(.invalid, message: "A user type cannot have more than \(CQLTypeLimits.maxTupleFields) fields")
        }
        return CQLUDTField(name: definition.name, type: fieldType)
    }

    private func tableUsingNonFrozen(_ type: UserTypeSchema) -> String? {
        schema.liveTables.first { table in
            table.keyspace == type.keyspace && table.columns.contains { column in
                if case .udt(let keyspace, let name, _) = column.type { return keyspace == type.keyspace && name == type.name }
                return false
            }
        }?.name
    }

    /// `RENAME f TO g`: names only; values and field cells are by position.
    private func renameField(_ rename: CQLFieldRename, in type: inout UserTypeSchema) throws(ErrorResponse) {
        guard let index = type.fields.firstIndex(where: { $0.name == rename.from }) else {
            throw ErrorResponse(.invalid, message: "Unknown field \(rename.from) in user type \(type.key)")
        }
        guard !type.fields.contains(where: { $0.name == rename.to }) else {
            throw ErrorResponse(.invalid, message: "Duplicate field name \(rename.to) in type \(type.name)")
        }
        type.fields[index].name = rename.to
    }

    func dropType(_ name: CQLQualifiedName, ifExists: Bool, sessionKeyspace: String?) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        guard let keyspace = try keyspaceToDropFrom(name, ifExists: ifExists, sessionKeyspace: sessionKeyspace) else { return nil }
        guard var type = schema.userType(keyspace.name, name.name) else {
            if ifExists { return nil }
            throw ErrorResponse(.invalid, message: "Type '\(keyspace.name).\(name.name)' doesn't exist")
        }
        let users = schema.users(ofType: type.name, keyspace: type.keyspace)
        if !users.types.isEmpty {
            throw ErrorResponse(.invalid, message: "Cannot drop user type '\(type.key)' as it is still used by user types \(users.types.joined(separator: ", "))")
        }
        if !users.tables.isEmpty {
            throw ErrorResponse(.invalid, message: "Cannot drop user type '\(type.key)' as it is still used by tables \(users.tables.joined(separator: ", "))")
        }
        type.dropped = true
        type.timestamp = nextTimestamp()
        var updated = schema
        updated.types[type.key] = type
        return (updated, SchemaChange(change: .dropped, target: .type(keyspace: type.keyspace, name: type.name)))
    }
}
