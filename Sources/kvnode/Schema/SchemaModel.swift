import KVCore

/// The role of a column of a user table, as `system_schema.columns.kind` spells it.
enum SchemaColumnKind: String, Sendable, Equatable {
    case partitionKey = "partition_key"
    case clustering
    case regular
    case staticColumn = "static"
}

/// One column of a user table. `id` is stable for the column's life and never reused by
/// its table (0 is the storage engine's row marker).
struct SchemaColumn: Sendable, Equatable {
    var id: UInt32
    var name: String
    var kind: SchemaColumnKind
    /// Index within the partition key or clustering columns; -1 for regular and static.
    var position: Int32
    var descending: Bool
    var type: CQLDataType

    var clusteringOrder: String { kind == .clustering ? (descending ? "desc" : "asc") : "none" }
}

/// A user table's definition. `timestamp` (microseconds) is the time of its last change,
/// used to pick between conflicting definitions when schemas merge.
struct TableSchema: Sendable, Equatable {
    var keyspace: String
    var name: String
    var id: TableID
    var columns: [SchemaColumn]
    var nextColumnID: UInt32
    var defaultTimeToLive: Int32 = 0
    var gcGraceSeconds: Int32 = 864_000
    /// Full compaction options, `class` with its full Java name.
    var compaction: [String: String] = SchemaOptions.defaultCompaction
    var comment: String = ""
    var timestamp: Int64
    /// A tombstone: the table was dropped at `timestamp` (kept so merges do not resurrect it).
    var dropped: Bool = false

    var key: String { "\(keyspace).\(name)" }

    /// Partition key columns, then clustering, then static and regular ones by name.
    var orderedColumns: [SchemaColumn] {
        let keys = columns.filter { $0.kind == .partitionKey }.sorted { $0.position < $1.position }
        let clustering = columns.filter { $0.kind == .clustering }.sorted { $0.position < $1.position }
        let rest = columns.filter { $0.kind == .regular || $0.kind == .staticColumn }.sorted { $0.name < $1.name }
        return keys + clustering + rest
    }

    /// The table id as a UUID text (`system_schema.tables.id`).
    var uuidText: String {
        let hex = Array(id.description)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }
}

/// A user keyspace's definition; `replication` holds `class` with its full Java name.
struct KeyspaceSchema: Sendable, Equatable {
    var name: String
    var replication: [String: String]
    var durableWrites: Bool = true
    var timestamp: Int64
    var dropped: Bool = false
}

/// Every user keyspace, table and type this node knows, with tombstones of dropped ones.
struct Schema: Sendable, Equatable {
    var keyspaces: [String: KeyspaceSchema] = [:]
    /// By `keyspace.table`.
    var tables: [String: TableSchema] = [:]
    /// User-defined types, by `keyspace.type` (`Schema+UserTypes.swift`).
    var types: [String: UserTypeSchema] = [:]

    var liveKeyspaces: [KeyspaceSchema] { keyspaces.values.filter { !$0.dropped }.sorted { $0.name < $1.name } }
    var liveTables: [TableSchema] { tables.values.filter { !$0.dropped }.sorted { $0.key < $1.key } }

    func keyspace(_ name: String) -> KeyspaceSchema? { keyspaces[name].flatMap { $0.dropped ? nil : $0 } }
    func table(_ keyspace: String, _ name: String) -> TableSchema? {
        tables["\(keyspace).\(name)"].flatMap { $0.dropped ? nil : $0 }
    }

    /// The largest change timestamp in the schema.
    var latestTimestamp: Int64 {
        max(keyspaces.values.map(\.timestamp).max() ?? 0, tables.values.map(\.timestamp).max() ?? 0,
            types.values.map(\.timestamp).max() ?? 0)
    }

    /// The deterministic version: a digest of the live definitions (not of tombstones), so
    /// equal schemas give equal UUIDs on every node.
    var version: String {
        var text = SystemKeyspaces.schemaVersion
        for keyspace in liveKeyspaces { text += "\n" + SchemaCodec.line(keyspace) }
        for type in liveTypes { text += "\n" + SchemaCodec.line(type) }
        for table in liveTables { text += "\n" + SchemaCodec.lines(table).joined(separator: "\n") }
        return SchemaDigest.uuid(of: text)
    }

    /// Merges `other` into this schema: the union of names; for one name the entry with the
    /// later timestamp wins, then a tombstone, then the larger table id, so merging in any
    /// order converges. Returns whether anything changed.
    @discardableResult
    mutating func merge(_ other: Schema) -> Bool {
        let before = self
        for (name, theirs) in other.keyspaces {
            guard let mine = keyspaces[name] else { keyspaces[name] = theirs; continue }
            if Self.rank(theirs) > Self.rank(mine) { keyspaces[name] = theirs }
        }
        for (key, theirs) in other.tables {
            guard let mine = tables[key] else { tables[key] = theirs; continue }
            if Self.rank(theirs) > Self.rank(mine) { tables[key] = theirs }
        }
        for (key, theirs) in other.types {
            guard let mine = types[key] else { types[key] = theirs; continue }
            if Self.rank(theirs) > Self.rank(mine) { types[key] = theirs }
        }
        // A table or type no newer than its keyspace's drop goes with it; so does one
        // without a keyspace.
        for (key, table) in tables where !table.dropped {
            if let keyspace = keyspaces[table.keyspace], keyspace.dropped, keyspace.timestamp >= table.timestamp {
                tables[key]?.dropped = true
                tables[key]?.timestamp = keyspace.timestamp
            } else if keyspaces[table.keyspace] == nil {
                tables[key]?.dropped = true
            }
        }
        for (key, type) in types where !type.dropped {
            if let keyspace = keyspaces[type.keyspace], keyspace.dropped, keyspace.timestamp >= type.timestamp {
                types[key]?.dropped = true
                types[key]?.timestamp = keyspace.timestamp
            } else if keyspaces[type.keyspace] == nil {
                types[key]?.dropped = true
            }
        }
        self = resolvingUserTypes()
        return before != self
    }

    private static func rank(_ type: UserTypeSchema) -> (Int64, Int, String) {
        (type.timestamp, type.dropped ? 1 : 0, SchemaCodec.line(type))
    }

    private static func rank(_ keyspace: KeyspaceSchema) -> (Int64, Int, String) {
        (keyspace.timestamp, keyspace.dropped ? 1 : 0, SchemaCodec.line(keyspace))
    }

    private static func rank(_ table: TableSchema) -> (Int64, Int, UInt64, UInt64, String) {
        (table.timestamp, table.dropped ? 1 : 0, table.id.high, table.id.low, SchemaCodec.lines(table).joined(separator: "\n"))
    }
}

/// Option names and defaults shared by DDL and `system_schema`.
enum SchemaOptions {
    static let sizeTiered = "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"
    static let leveled = "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
    static let simpleStrategy = "org.apache.cassandra.locator.SimpleStrategy"
    static let networkTopologyStrategy = "org.apache.cassandra.locator.NetworkTopologyStrategy"
    static let defaultCompaction = ["class": sizeTiered, "max_threshold": "32", "min_threshold": "4"]
}
