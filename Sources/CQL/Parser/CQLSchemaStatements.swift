/// `CREATE KEYSPACE [IF NOT EXISTS] ks WITH ...`.
public struct CQLCreateKeyspace: Sendable, Equatable {
    /// The keyspace name.
    public var name: String
    /// Whether `IF NOT EXISTS` was given.
    public var ifNotExists: Bool
    /// The `WITH` options.
    public var options: CQLKeyspaceOptions

    /// Creates the statement.
    public init(name: String, ifNotExists: Bool = false, options: CQLKeyspaceOptions) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.options = options
    }
}

/// The options of `CREATE/ALTER KEYSPACE ... WITH`.
public struct CQLKeyspaceOptions: Sendable, Equatable {
    /// `replication = {...}`, values as text (`'class': 'SimpleStrategy'`, `'replication_factor': '3'`).
    public var replication: [String: String]?
    /// `durable_writes = true|false`.
    public var durableWrites: Bool?
    /// Any other option, kept as written.
    public var otherProperties: [CQLProperty]

    /// Creates options.
    public init(replication: [String: String]? = nil, durableWrites: Bool? = nil, otherProperties: [CQLProperty] = []) {
        self.replication = replication
        self.durableWrites = durableWrites
        self.otherProperties = otherProperties
    }
}

/// A generic `name = value` option.
public struct CQLProperty: Sendable, Equatable {
    /// The option name, lower case unless quoted.
    public var name: String
    /// The value: a literal or a map literal.
    public var value: CQLTerm

    /// Creates a property.
    public init(name: String, value: CQLTerm) {
        self.name = name
        self.value = value
    }
}

/// `CREATE TABLE [IF NOT EXISTS] [ks.]t (...) [WITH ...]`.
public struct CQLCreateTable: Sendable, Equatable {
    /// The table name.
    public var name: CQLQualifiedName
    /// Whether `IF NOT EXISTS` was given.
    public var ifNotExists: Bool
    /// The columns, in declaration order.
    public var columns: [CQLColumnDefinition]
    /// The partition key columns, in order (at least one).
    public var partitionKey: [String]
    /// The clustering columns, in order.
    public var clusteringColumns: [String]
    /// The `WITH` options.
    public var options: CQLTableOptions

    /// Creates the statement.
    public init(
        name: CQLQualifiedName, ifNotExists: Bool = false, columns: [CQLColumnDefinition],
        partitionKey: [String], clusteringColumns: [String] = [], options: CQLTableOptions = CQLTableOptions()
    ) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.partitionKey = partitionKey
        self.clusteringColumns = clusteringColumns
        self.options = options
    }
}

/// One column of a table definition.
public struct CQLColumnDefinition: Sendable, Equatable {
    /// The column name.
    public var name: String
    /// Its type.
    public var type: CQLType
    /// Whether it was declared `STATIC`.
    public var isStatic: Bool

    /// Creates a column definition.
    public init(name: String, type: CQLType, isStatic: Bool = false) {
        self.name = name
        self.type = type
        self.isStatic = isStatic
    }
}

/// A column and a direction, for `CLUSTERING ORDER BY` and `ORDER BY`.
public struct CQLOrdering: Sendable, Equatable {
    /// The column name.
    public var column: String
    /// Whether `DESC` was given.
    public var isDescending: Bool

    /// Creates an ordering.
    public init(column: String, isDescending: Bool = false) {
        self.column = column
        self.isDescending = isDescending
    }
}

/// The options of `CREATE TABLE ... WITH` and `ALTER TABLE ... WITH`.
public struct CQLTableOptions: Sendable, Equatable {
    /// `CLUSTERING ORDER BY (...)`.
    public var clusteringOrder: [CQLOrdering]
    /// `default_time_to_live`, in seconds.
    public var defaultTimeToLiveSeconds: Int?
    /// `gc_grace_seconds`.
    public var gcGraceSeconds: Int?
    /// `compaction = {...}`, values as text.
    public var compaction: [String: String]?
    /// `comment`.
    public var comment: String?
    /// Any other option, kept as written.
    public var otherProperties: [CQLProperty]

    /// Creates options.
    public init(
        clusteringOrder: [CQLOrdering] = [], defaultTimeToLiveSeconds: Int? = nil, gcGraceSeconds: Int? = nil,
        compaction: [String: String]? = nil, comment: String? = nil, otherProperties: [CQLProperty] = []
    ) {
        self.clusteringOrder = clusteringOrder
        self.defaultTimeToLiveSeconds = defaultTimeToLiveSeconds
        self.gcGraceSeconds = gcGraceSeconds
        self.compaction = compaction
        self.comment = comment
        self.otherProperties = otherProperties
    }
}

/// What an `ALTER TABLE` changes.
public enum CQLTableChange: Sendable, Equatable {
    /// `ADD col type` or `ADD (col type, ...)`.
    case addColumns([CQLColumnDefinition])
    /// `DROP col` or `DROP (col, ...)`.
    case dropColumns([String])
    /// `WITH option = value AND ...`.
    case options(CQLTableOptions)
}

/// `CREATE TYPE [IF NOT EXISTS] [ks.]t (field type, ...)`.
public struct CQLCreateType: Sendable, Equatable {
    /// The type name.
    public var name: CQLQualifiedName
    /// Whether `IF NOT EXISTS` was given.
    public var ifNotExists: Bool
    /// The fields, in order (`isStatic` is always false).
    public var fields: [CQLColumnDefinition]

    /// Creates the statement.
    public init(name: CQLQualifiedName, ifNotExists: Bool = false, fields: [CQLColumnDefinition]) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.fields = fields
    }
}

/// What an `ALTER TYPE` changes (Cassandra 5.0's grammar, with its optional `IF` clauses).
public enum CQLTypeChange: Sendable, Equatable {
    /// `ADD [IF NOT EXISTS] field type`.
    case addField(CQLColumnDefinition, ifNotExists: Bool)
    /// `RENAME [IF EXISTS] f TO g [AND f2 TO g2 ...]`.
    case renameFields([CQLFieldRename], ifExists: Bool)
}

/// One `f TO g` of `ALTER TYPE ... RENAME`.
public struct CQLFieldRename: Sendable, Equatable {
    /// The field's current name.
    public var from: String
    /// Its new name.
    public var to: String

    /// Creates a rename.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}
