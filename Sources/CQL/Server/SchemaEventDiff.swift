/// The parts of a schema clients are told about, reduced to what tells changes apart: per
/// keyspace a definition text, its user-defined types (a definition text each) and its
/// tables, per table an identity and a definition text.
public struct SchemaOutline: Sendable, Equatable {
    /// One table.
    public struct Table: Sendable, Equatable {
        /// Changes only when the table is dropped and created again (a table id).
        public var identity: String
        /// Any text that changes whenever the definition does.
        public var definition: String

        /// Creates a table outline.
        public init(identity: String, definition: String) {
            self.identity = identity
            self.definition = definition
        }
    }

    /// One keyspace.
    public struct Keyspace: Sendable, Equatable {
        /// Any text that changes whenever the keyspace's own options do.
        public var definition: String
        /// By table name.
        public var tables: [String: Table]
        /// User-defined types: any text that changes whenever the type does, by type name.
        public var types: [String: String]

        /// Creates a keyspace outline.
        public init(definition: String, tables: [String: Table] = [:], types: [String: String] = [:]) {
            self.definition = definition
            self.tables = tables
            self.types = types
        }
    }

    /// By keyspace name.
    public var keyspaces: [String: Keyspace]

    /// Creates an outline.
    public init(keyspaces: [String: Keyspace] = [:]) {
        self.keyspaces = keyspaces
    }
}

/// Turns two successive schemas into SCHEMA_CHANGE events. Pure.
public enum SchemaEventDiff {
    /// The changes from `previous` to `current`, keyspaces by name, each keyspace's own event
    /// before its types' and tables': a new keyspace is CREATED with each of its types and
    /// tables; a vanished one is DROPPED (its tables and types go with it); changed options
    /// are UPDATED; a table is CREATED, DROPPED, UPDATED, or DROPPED then CREATED when its
    /// identity changed. Types are CREATED or UPDATED before the tables (which may use
    /// them) and DROPPED after them (tables stop using a type before it can go).
    public static func changes(from previous: SchemaOutline, to current: SchemaOutline) -> [SchemaChange] {
        let names = Set(previous.keyspaces.keys).union(current.keyspaces.keys).sorted()
        return names.flatMap { name in
            changes(keyspace: name, from: previous.keyspaces[name], to: current.keyspaces[name])
        }
    }

    private static func changes(keyspace name: String, from before: SchemaOutline.Keyspace?,
                                to after: SchemaOutline.Keyspace?) -> [SchemaChange] {
        switch (before, after) {
        case (nil, let after?):
            return [SchemaChange(change: .created, target: .keyspace(name))]
                + after.types.keys.sorted().map { type(.created, name, $0) }
                + after.tables.keys.sorted().map { table(.created, name, $0) }
        case (_?, nil):
            return [SchemaChange(change: .dropped, target: .keyspace(name))]
        case (let before?, let after?):
            var changes: [SchemaChange] = []
            if before.definition != after.definition {
                changes.append(SchemaChange(change: .updated, target: .keyspace(name)))
            }
            let types = Set(before.types.keys).union(after.types.keys).sorted()
            for typeName in types where after.types[typeName] != nil && before.types[typeName] != after.types[typeName] {
                changes.append(type(before.types[typeName] == nil ? .created : .updated, name, typeName))
            }
            let tables = Set(before.tables.keys).union(after.tables.keys).sorted()
            for table in tables {
                changes += tableChanges(keyspace: name, table, from: before.tables[table], to: after.tables[table])
            }
            for typeName in types where after.types[typeName] == nil {
                changes.append(type(.dropped, name, typeName))
            }
            return changes
        case (nil, nil):
            return []
        }
    }

    private static func tableChanges(keyspace: String, _ name: String, from before: SchemaOutline.Table?,
                                     to after: SchemaOutline.Table?) -> [SchemaChange] {
        switch (before, after) {
        case (nil, _?): return [table(.created, keyspace, name)]
        case (_?, nil): return [table(.dropped, keyspace, name)]
        case (let before?, let after?) where before.identity != after.identity:
            return [table(.dropped, keyspace, name), table(.created, keyspace, name)]
        case (let before?, let after?) where before.definition != after.definition:
            return [table(.updated, keyspace, name)]
        default: return []
        }
    }

    private static func type(_ change: SchemaChange.ChangeType, _ keyspace: String, _ name: String) -> SchemaChange {
        SchemaChange(change: change, target: .type(keyspace: keyspace, name: name))
    }

    private static func table(_ change: SchemaChange.ChangeType, _ keyspace: String, _ name: String) -> SchemaChange {
        SchemaChange(change: change, target: .table(keyspace: keyspace, name: name))
    }
}
