/// A schema as `DESCRIBE` sees it: keyspaces with their tables, in a form independent of
/// how the node stores them. The node builds one per DESCRIBE (from its user schema and its
/// system keyspaces); `DescribeExecutor` answers from it and `createStatement` renders it.
public struct DescribedKeyspace: Sendable, Equatable {
    /// The keyspace name, unquoted.
    public var name: String
    /// `class` (a full Java class name) and the strategy's options.
    public var replication: [String: String]
    public var durableWrites: Bool
    /// A system keyspace: left out of `DESCRIBE SCHEMA` (but not of `DESCRIBE FULL SCHEMA`).
    public var isSystem: Bool
    /// The keyspace's tables, in any order.
    public var tables: [DescribedTable]
    /// The keyspace's user-defined types, in any order.
    public var types: [DescribedType]

    /// Creates a keyspace description.
    public init(name: String, replication: [String: String], durableWrites: Bool = true, isSystem: Bool = false,
                tables: [DescribedTable] = [], types: [DescribedType] = []) {
        self.name = name
        self.replication = replication
        self.durableWrites = durableWrites
        self.isSystem = isSystem
        self.tables = tables
        self.types = types
    }
}

/// One user-defined type for `DESCRIBE`.
public struct DescribedType: Sendable, Equatable {
    public var keyspace: String
    public var name: String
    /// Field names (unquoted) and CQL types (`text`, `frozen<address>`), in declaration order.
    public var fields: [(name: String, type: String)]

    /// Creates a type description.
    public init(keyspace: String, name: String, fields: [(name: String, type: String)]) {
        self.keyspace = keyspace
        self.name = name
        self.fields = fields
    }

    public static func == (left: DescribedType, right: DescribedType) -> Bool {
        left.keyspace == right.keyspace && left.name == right.name
            && left.fields.map(\.name) == right.fields.map(\.name) && left.fields.map(\.type) == right.fields.map(\.type)
    }

    /// Cassandra's `CREATE TYPE` text: one field per line, four spaces in.
    public var createStatement: String {
        let fieldLines = fields.map { "    \(CQLIdentifier.quotedIfNeeded($0.name)) \($0.type)" }.joined(separator: ",\n")
        return "CREATE TYPE \(CQLIdentifier.quotedIfNeeded(keyspace)).\(CQLIdentifier.quotedIfNeeded(name)) (\n"
            + fieldLines + "\n);"
    }

    /// Whether a field's type text names the type `other` (a dependency to print first).
    func uses(_ other: String) -> Bool {
        let quoted = CQLIdentifier.quotedIfNeeded(other)
        return fields.contains { field in
            field.type == quoted || field.type.contains("<\(quoted)>") || field.type.contains("<\(quoted),")
                || field.type.contains(" \(quoted)>") || field.type.contains(" \(quoted),")
        }
    }
}

/// One table for `DESCRIBE`.
public struct DescribedTable: Sendable, Equatable {
    public var keyspace: String
    public var name: String
    /// The table id as UUID text (printed by `WITH INTERNALS`).
    public var id: String
    /// Every column, in any order (rendering orders them as Cassandra does).
    public var columns: [DescribedColumn]
    public var options: DescribedTableOptions

    /// Creates a table description.
    public init(keyspace: String, name: String, id: String, columns: [DescribedColumn],
                options: DescribedTableOptions = DescribedTableOptions()) {
        self.keyspace = keyspace
        self.name = name
        self.id = id
        self.columns = columns
        self.options = options
    }
}

/// One column for `DESCRIBE`.
public struct DescribedColumn: Sendable, Equatable {
    /// The role of a column.
    public enum Kind: Sendable, Equatable {
        case partitionKey, clustering, regular, staticColumn
    }

    /// The name, unquoted.
    public var name: String
    /// The CQL type as `DESCRIBE` prints it (`int`, `frozen<list<text>>`).
    public var type: String
    public var kind: Kind
    /// The index within the partition key or the clustering columns (ignored for others).
    public var position: Int
    /// A clustering column in descending order.
    public var descending: Bool
    /// A non-frozen collection or UDT (listed after the simple columns of its kind).
    public var isMultiCell: Bool

    /// Creates a column description.
    public init(name: String, type: String, kind: Kind, position: Int = -1, descending: Bool = false,
                isMultiCell: Bool = false) {
        self.name = name
        self.type = type
        self.kind = kind
        self.position = position
        self.descending = descending
        self.isMultiCell = isMultiCell
    }
}

/// The table options `DESCRIBE` prints, Cassandra 4.0's set. The node stores the first
/// five; the rest are Cassandra's defaults, as its `system_schema.tables` rows also say.
public struct DescribedTableOptions: Sendable, Equatable {
    public var comment: String
    public var defaultTimeToLive: Int32
    public var gcGraceSeconds: Int32
    /// Full options, `class` with its full Java name.
    public var compaction: [String: String]
    public var memtableFlushPeriodMs: Int32

    /// Creates options; the defaults are Cassandra's.
    public init(comment: String = "", defaultTimeToLive: Int32 = 0, gcGraceSeconds: Int32 = 864_000,
                compaction: [String: String] = DescribedTableOptions.defaultCompaction, memtableFlushPeriodMs: Int32 = 0) {
        self.comment = comment
        self.defaultTimeToLive = defaultTimeToLive
        self.gcGraceSeconds = gcGraceSeconds
        self.compaction = compaction
        self.memtableFlushPeriodMs = memtableFlushPeriodMs
    }

    /// Size-tiered with thresholds 4 and 32.
    public static let defaultCompaction = [
        "class": "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
        "max_threshold": "32", "min_threshold": "4",
    ]
}

/// The node-wide facts `DESCRIBE CLUSTER` prints.
public struct DescribedCluster: Sendable, Equatable {
    public var name: String
    /// Full Java class name (`org.apache.cassandra.dht.` is trimmed when printed).
    public var partitioner: String
    /// Full or short Java class name (`org.apache.cassandra.locator.` is trimmed).
    public var snitch: String

    /// Creates the cluster facts.
    public init(name: String, partitioner: String, snitch: String) {
        self.name = name
        self.partitioner = partitioner
        self.snitch = snitch
    }
}
