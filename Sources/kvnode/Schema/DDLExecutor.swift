import CQL
import KVCore

/// DDL statements against the user schema, with Cassandra's validation and error codes.
/// Each runs inside `SchemaService`, so a statement sees and replaces one schema atomically;
/// it answers RESULT Schema_change only once the change is durable locally.
extension SchemaService {
    /// Options Cassandra accepts on tables that this node stores nothing for yet.
    static let ignoredTableProperties: Set<String> = [
        "bloom_filter_fp_chance", "caching", "compression", "crc_check_chance", "speculative_retry",
        "additional_write_policy", "read_repair", "memtable_flush_period_in_ms", "min_index_interval",
        "max_index_interval", "cdc", "extensions", "dclocal_read_repair_chance", "read_repair_chance",
    ]

    /// Runs a DDL statement; nil when `statement` is not DDL.
    func execute(_ statement: CQLStatement, sessionKeyspace: String?, localDatacenter: String) async -> ResponseMessage? {
        let datacenters = await knownDatacenters(local: localDatacenter)
        do {
            let outcome: (Schema, SchemaChange)?
            switch statement {
            case .createKeyspace(let create):
                outcome = try createKeyspace(create, datacenters: datacenters)
            case .alterKeyspace(let name, let options):
                outcome = try alterKeyspace(name, options, datacenters: datacenters)
            case .dropKeyspace(let name, let ifExists):
                outcome = try dropKeyspace(name, ifExists: ifExists)
            case .createTable(let create):
                outcome = try createTable(create, sessionKeyspace: sessionKeyspace)
            case .alterTable(let name, let change):
                outcome = try alterTable(name, change, sessionKeyspace: sessionKeyspace)
            case .dropTable(let name, let ifExists):
                outcome = try dropTable(name, ifExists: ifExists, sessionKeyspace: sessionKeyspace)
            case .createType(let create):
                outcome = try createType(create, sessionKeyspace: sessionKeyspace)
            case .alterType(let name, let ifExists, let change):
                outcome = try alterType(name, ifExists: ifExists, change, sessionKeyspace: sessionKeyspace)
            case .dropType(let name, let ifExists):
                outcome = try dropType(name, ifExists: ifExists, sessionKeyspace: sessionKeyspace)
            default:
                return nil
            }
            guard let (updated, change) = outcome else { return .result(.void) }
            do {
                // Every column and field naming a type takes its new definition.
                try await commit(updated.resolvingUserTypes())
            } catch {
                return .error(ErrorResponse(.serverError, message: "schema change could not be stored: \(error)"))
            }
            return .result(.schemaChange(change))
        } catch {
            return .error(error)
        }
    }

    // MARK: Keyspaces

    private func createKeyspace(_ create: CQLCreateKeyspace, datacenters: [String]) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        try Self.validateName(create.name, what: "Keyspace")
        if SystemKeyspaces.keyspaceNames.contains(create.name) || schema.keyspace(create.name) != nil {
            if create.ifNotExists { return nil }
            throw ErrorResponse(.alreadyExists(keyspace: create.name, table: ""),
                                message: "Cannot add existing keyspace \"\(create.name)\"")
        }
        try Self.rejectUnknown(create.options.otherProperties)
        let replication = try Self.replication(create.options.replication, keyspace: create.name, datacenters: datacenters)
        var updated = schema
        updated.keyspaces[create.name] = KeyspaceSchema(name: create.name, replication: replication,
                                                        durableWrites: create.options.durableWrites ?? true,
                                                        timestamp: nextTimestamp())
        return (updated, SchemaChange(change: .created, target: .keyspace(create.name)))
    }

    private func alterKeyspace(_ name: String, _ options: CQLKeyspaceOptions, datacenters: [String]) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        try Self.rejectSystem(name)
        guard var keyspace = schema.keyspace(name) else {
            throw ErrorResponse(.invalid, message: "Keyspace '\(name)' does not exist")
        }
        try Self.rejectUnknown(options.otherProperties)
        if let replication = options.replication {
            keyspace.replication = try Self.replication(replication, keyspace: name, datacenters: datacenters)
        }
        if let durable = options.durableWrites { keyspace.durableWrites = durable }
        keyspace.timestamp = nextTimestamp()
        var updated = schema
        updated.keyspaces[name] = keyspace
        return (updated, SchemaChange(change: .updated, target: .keyspace(name)))
    }

    private func dropKeyspace(_ name: String, ifExists: Bool) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        try Self.rejectSystem(name)
        guard var keyspace = schema.keyspace(name) else {
            if ifExists { return nil }
            throw ErrorResponse(.configError, message: "Cannot drop non existing keyspace '\(name)'.")
        }
        let timestamp = nextTimestamp()
        keyspace.dropped = true
        keyspace.timestamp = timestamp
        var updated = schema
        updated.keyspaces[name] = keyspace
        for table in updated.liveTables where table.keyspace == name {
            updated.tables[table.key]?.dropped = true
            updated.tables[table.key]?.timestamp = timestamp
        }
        for type in updated.liveTypes where type.keyspace == name {
            updated.types[type.key]?.dropped = true
            updated.types[type.key]?.timestamp = timestamp
        }
        return (updated, SchemaChange(change: .dropped, target: .keyspace(name)))
    }

    static func replication(_ options: [String: String]?, keyspace: String,
                            datacenters: [String]) throws(ErrorResponse) -> [String: String] {
        guard var options else {
            throw ErrorResponse(.configError, message: "Missing mandatory option 'replication'")
        }
        guard let className = options.removeValue(forKey: "class") else {
            throw ErrorResponse(.configError, message: "Missing replication strategy class")
        }
        func factor(_ text: String) throws(ErrorResponse) -> String {
            guard let value = Int(text.trimmingSpaces), value >= 0 else {
                throw ErrorResponse(.configError, message: "Replication factor must be non-negative, found \(text)")
            }
            return String(value)
        }
        switch className {
        case "SimpleStrategy", SchemaOptions.simpleStrategy:
            guard let text = options.removeValue(forKey: "replication_factor") else {
                throw ErrorResponse(.configError, message: "SimpleStrategy requires a replication_factor strategy option.")
            }
            if let unknown = options.keys.sorted().first {
                throw ErrorResponse(.configError, message: "Unrecognized strategy option {\(unknown)} passed to SimpleStrategy for keyspace \(keyspace)")
            }
            return ["class": SchemaOptions.simpleStrategy, "replication_factor": try factor(text)]
        case "NetworkTopologyStrategy", SchemaOptions.networkTopologyStrategy:
            var result = ["class": SchemaOptions.networkTopologyStrategy]
            if let text = options.removeValue(forKey: "replication_factor") {
                let value = try factor(text)
                for datacenter in datacenters { result[datacenter] = value }
            }
            for (datacenter, text) in options { result[datacenter] = try factor(text) }
            guard result.count > 1 else {
                throw ErrorResponse(.configError, message: "Configuration for at least one datacenter must be present")
            }
            return result
        default:
            throw ErrorResponse(.configError, message: "Unable to find replication strategy class '\(className)'")
        }
    }

    // MARK: Tables

    func resolveKeyspace(_ name: CQLQualifiedName, sessionKeyspace: String?) throws(ErrorResponse) -> KeyspaceSchema {
        guard let keyspaceName = name.keyspace ?? sessionKeyspace else {
            throw ErrorResponse(.invalid, message: "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename")
        }
        try Self.rejectSystem(keyspaceName)
        guard let keyspace = schema.keyspace(keyspaceName) else {
            throw ErrorResponse(.invalid, message: "Keyspace '\(keyspaceName)' does not exist")
        }
        return keyspace
    }

    private func createTable(_ create: CQLCreateTable, sessionKeyspace: String?) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        let keyspace = try resolveKeyspace(create.name, sessionKeyspace: sessionKeyspace)
        let name = create.name.name
        try Self.validateName(name, what: "Table")
        if schema.table(keyspace.name, name) != nil {
            if create.ifNotExists { return nil }
            throw ErrorResponse(.alreadyExists(keyspace: keyspace.name, table: name),
                                message: "Cannot add already existing table \"\(name)\" to keyspace \"\(keyspace.name)\"")
        }
        let resolver = DeclaredTypeResolver(schema: schema, keyspace: keyspace.name)
        var definitions: [String: CQLColumnDefinition] = [:]
        for column in create.columns {
            guard definitions[column.name] == nil else {
                throw ErrorResponse(.invalid, message: "Multiple definition of identifier \(column.name)")
            }
            definitions[column.name] = column
        }
        var columns: [SchemaColumn] = []
        var nextID: UInt32 = 1
        var used: Set<String> = []
        let orderings = create.options.clusteringOrder
        for (kind, names) in [(SchemaColumnKind.partitionKey, create.partitionKey), (.clustering, create.clusteringColumns)] {
            for (position, columnName) in names.enumerated() {
                guard let definition = definitions[columnName] else {
                    throw ErrorResponse(.invalid, message: "Unknown definition \(columnName) referenced in PRIMARY KEY")
                }
                guard used.insert(columnName).inserted else {
                    throw ErrorResponse(.invalid, message: "Multiple definition of identifier \(columnName)")
                }
                guard !definition.isStatic else {
                    throw ErrorResponse(.invalid, message: "Static column \(columnName) cannot be part of the PRIMARY KEY")
                }
                let type = try resolver.dataType(definition.type)
                try DeclaredTypeResolver.checkColumn(columnName, type: type, isKey: true)
                let descending = kind == .clustering && orderings.first { $0.column == columnName }?.isDescending == true
                columns.append(SchemaColumn(id: nextID, name: columnName, kind: kind, position: Int32(position),
                                            descending: descending, type: type))
                nextID += 1
            }
        }
        for definition in create.columns where !used.contains(definition.name) {
            if definition.isStatic && create.clusteringColumns.isEmpty {
                throw ErrorResponse(.invalid, message: "Static columns are only useful (and thus allowed) if the table has at least one clustering column")
            }
            let type = try resolver.dataType(definition.type)
            try DeclaredTypeResolver.checkColumn(definition.name, type: type, isKey: false)
            columns.append(SchemaColumn(id: nextID, name: definition.name, kind: definition.isStatic ? .staticColumn : .regular,
                                        position: -1, descending: false, type: type))
            nextID += 1
        }
        for (index, ordering) in orderings.enumerated() {
            guard create.clusteringColumns.contains(ordering.column) else {
                throw ErrorResponse(.invalid, message: "Only clustering key columns can be defined in CLUSTERING ORDER directive")
            }
            guard index < create.clusteringColumns.count, create.clusteringColumns[index] == ordering.column else {
                throw ErrorResponse(.invalid, message: "The order of columns in the CLUSTERING ORDER directive must be the one of the clustering key")
            }
        }
        var table = TableSchema(keyspace: keyspace.name, name: name, id: TableID.random(SystemRandomSource()),
                                columns: columns, nextColumnID: nextID, timestamp: nextTimestamp())
        try Self.apply(create.options, to: &table, allowClusteringOrder: true)
        var updated = schema
        updated.tables[table.key] = table
        return (updated, SchemaChange(change: .created, target: .table(keyspace: keyspace.name, name: name)))
    }

    private func existingTable(_ name: CQLQualifiedName, sessionKeyspace: String?) throws(ErrorResponse) -> TableSchema? {
        let keyspace = try resolveKeyspace(name, sessionKeyspace: sessionKeyspace)
        return schema.table(keyspace.name, name.name)
    }

    private func alterTable(_ name: CQLQualifiedName, _ change: CQLTableChange,
                            sessionKeyspace: String?) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        guard var table = try existingTable(name, sessionKeyspace: sessionKeyspace) else {
            throw ErrorResponse(.invalid, message: "Table '\(name.keyspace ?? sessionKeyspace ?? "").\(name.name)' doesn't exist")
        }
        switch change {
        case .addColumns(let definitions):
            let resolver = DeclaredTypeResolver(schema: schema, keyspace: table.keyspace)
            let hasClustering = table.columns.contains { $0.kind == .clustering }
            for definition in definitions {
                guard !table.columns.contains(where: { $0.name == definition.name }) else {
                    throw ErrorResponse(.invalid, message: "Column with name '\(definition.name)' already exists")
                }
                if definition.isStatic && !hasClustering {
                    throw ErrorResponse(.invalid, message: "Static columns are not allowed in COMPACT STORAGE tables or tables without clustering columns")
                }
                let type = try resolver.dataType(definition.type)
                try DeclaredTypeResolver.checkColumn(definition.name, type: type, isKey: false)
                table.columns.append(SchemaColumn(id: table.nextColumnID, name: definition.name,
                                                  kind: definition.isStatic ? .staticColumn : .regular, position: -1,
                                                  descending: false, type: type))
                table.nextColumnID += 1
            }
        case .dropColumns(let names):
            for columnName in names {
                guard let column = table.columns.first(where: { $0.name == columnName }) else {
                    throw ErrorResponse(.invalid, message: "Column \(columnName) was not found in table \(table.name)")
                }
                guard column.kind == .regular || column.kind == .staticColumn else {
                    throw ErrorResponse(.invalid, message: "Cannot drop PRIMARY KEY part \(columnName)")
                }
                table.columns.removeAll { $0.name == columnName }
            }
        case .options(let options):
            try Self.apply(options, to: &table, allowClusteringOrder: false)
        }
        table.timestamp = nextTimestamp()
        var updated = schema
        updated.tables[table.key] = table
        return (updated, SchemaChange(change: .updated, target: .table(keyspace: table.keyspace, name: table.name)))
    }

    /// The keyspace of a `DROP ... [IF EXISTS]` target; nil when IF EXISTS tolerates a
    /// missing keyspace (a named one, not a missing session keyspace).
    func keyspaceToDropFrom(_ name: CQLQualifiedName, ifExists: Bool,
                            sessionKeyspace: String?) throws(ErrorResponse) -> KeyspaceSchema? {
        do {
            return try resolveKeyspace(name, sessionKeyspace: sessionKeyspace)
        } catch {
            if ifExists, case .invalid = error.detail, name.keyspace != nil { return nil }
            throw error
        }
    }

    private func dropTable(_ name: CQLQualifiedName, ifExists: Bool, sessionKeyspace: String?) throws(ErrorResponse) -> (Schema, SchemaChange)? {
        guard let keyspace = try keyspaceToDropFrom(name, ifExists: ifExists, sessionKeyspace: sessionKeyspace) else { return nil }
        guard var table = schema.table(keyspace.name, name.name) else {
            if ifExists { return nil }
            throw ErrorResponse(.invalid, message: "Table '\(keyspace.name).\(name.name)' doesn't exist")
        }
        table.dropped = true
        table.timestamp = nextTimestamp()
        var updated = schema
        updated.tables[table.key] = table
        return (updated, SchemaChange(change: .dropped, target: .table(keyspace: table.keyspace, name: table.name)))
    }

    // MARK: Options and types

    private static func apply(_ options: CQLTableOptions, to table: inout TableSchema,
                              allowClusteringOrder: Bool) throws(ErrorResponse) {
        if !allowClusteringOrder && !options.clusteringOrder.isEmpty {
            throw ErrorResponse(.invalid, message: "Cannot change the clustering order of an existing table")
        }
        if let ttl = options.defaultTimeToLiveSeconds {
            guard ttl >= 0, ttl <= 630_720_000 else {
                throw ErrorResponse(.configError, message: "default_time_to_live must be between 0 and 630720000 (got \(ttl))")
            }
            table.defaultTimeToLive = Int32(ttl)
        }
        if let grace = options.gcGraceSeconds {
            guard grace >= 0, grace <= Int(Int32.max) else {
                throw ErrorResponse(.configError, message: "gc_grace_seconds must be greater than or equal to 0 (got \(grace))")
            }
            table.gcGraceSeconds = Int32(grace)
        }
        if let compaction = options.compaction { table.compaction = try Self.compaction(compaction) }
        if let comment = options.comment { table.comment = comment }
        for property in options.otherProperties where !ignoredTableProperties.contains(property.name) {
            throw ErrorResponse(.syntaxError, message: "Unknown property '\(property.name)'")
        }
    }

    static func compaction(_ given: [String: String]) throws(ErrorResponse) -> [String: String] {
        var options = given
        guard let className = options.removeValue(forKey: "class") else {
            throw ErrorResponse(.configError, message: "Missing sub-option 'class' for the 'compaction' option.")
        }
        func integer(_ key: String, atLeast minimum: Int) throws(ErrorResponse) -> String? {
            guard let text = options.removeValue(forKey: key) else { return nil }
            guard let value = Int(text.trimmingSpaces), value >= minimum else {
                throw ErrorResponse(.configError, message: "\(key) must be an integer >= \(minimum), found \(text)")
            }
            return String(value)
        }
        var result: [String: String]
        switch className {
        case "SizeTieredCompactionStrategy", SchemaOptions.sizeTiered:
            let minimum = try integer("min_threshold", atLeast: 2) ?? "4"
            let maximum = try integer("max_threshold", atLeast: 2) ?? "32"
            guard Int(maximum)! >= Int(minimum)! else {
                throw ErrorResponse(.configError, message: "max_threshold cannot be smaller than min_threshold")
            }
            result = ["class": SchemaOptions.sizeTiered, "min_threshold": minimum, "max_threshold": maximum]
        case "LeveledCompactionStrategy", SchemaOptions.leveled:
            result = ["class": SchemaOptions.leveled, "sstable_size_in_mb": try integer("sstable_size_in_mb", atLeast: 1) ?? "160"]
        default:
            throw ErrorResponse(.configError, message: "Unable to find compaction strategy class '\(className)'")
        }
        if let enabled = options.removeValue(forKey: "enabled") { result["enabled"] = enabled }
        if !options.isEmpty {
            throw ErrorResponse(.configError, message: "Properties specified \(options.keys.sorted()) are not understood by \(className)")
        }
        return result
    }

    static func validateName(_ name: String, what: String) throws(ErrorResponse) {
        guard !name.isEmpty, name.count <= 48, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw ErrorResponse(.invalid, message: "\(what) name must not be empty, more than 48 characters long, or contain non-alphanumeric-underscore characters (got \"\(name)\")")
        }
    }

    private static func rejectSystem(_ keyspace: String) throws(ErrorResponse) {
        if SystemKeyspaces.keyspaceNames.contains(keyspace) {
            throw ErrorResponse(.unauthorized, message: "\(keyspace) keyspace is not user-modifiable.")
        }
    }

    private static func rejectUnknown(_ properties: [CQLProperty]) throws(ErrorResponse) {
        if let property = properties.first {
            throw ErrorResponse(.syntaxError, message: "Unknown property '\(property.name)'")
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
