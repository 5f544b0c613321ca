/// `SELECT ... FROM t ...`.
public struct CQLSelect: Sendable, Equatable {
    /// Whether `DISTINCT` was given.
    public var isDistinct: Bool
    /// Whether `JSON` was given.
    public var isJSON: Bool
    /// What to return.
    public var selection: CQLSelection
    /// The table.
    public var table: CQLQualifiedName
    /// The `WHERE` clause, if any.
    public var whereClause: CQLWhereExpression?
    /// `GROUP BY` columns.
    public var groupBy: [String]
    /// `ORDER BY` columns.
    public var orderBy: [CQLOrdering]
    /// `PER PARTITION LIMIT`, a literal or a bind marker.
    public var perPartitionLimit: CQLTerm?
    /// `LIMIT`, a literal or a bind marker.
    public var limit: CQLTerm?
    /// Whether `ALLOW FILTERING` was given.
    public var allowFiltering: Bool

    /// Creates the statement.
    public init(
        isDistinct: Bool = false, isJSON: Bool = false, selection: CQLSelection, table: CQLQualifiedName,
        whereClause: CQLWhereExpression? = nil, groupBy: [String] = [], orderBy: [CQLOrdering] = [],
        perPartitionLimit: CQLTerm? = nil, limit: CQLTerm? = nil, allowFiltering: Bool = false
    ) {
        self.isDistinct = isDistinct
        self.isJSON = isJSON
        self.selection = selection
        self.table = table
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.orderBy = orderBy
        self.perPartitionLimit = perPartitionLimit
        self.limit = limit
        self.allowFiltering = allowFiltering
    }
}

/// The selection of a SELECT.
public enum CQLSelection: Sendable, Equatable {
    /// `*`.
    case all
    /// A list of selectors.
    case selectors([CQLSelector])
}

/// One selector with its optional alias.
public struct CQLSelector: Sendable, Equatable {
    /// What is selected.
    public var expression: CQLSelectorExpression
    /// `AS alias`, if given.
    public var alias: String?

    /// Creates a selector.
    public init(_ expression: CQLSelectorExpression, alias: String? = nil) {
        self.expression = expression
        self.alias = alias
    }
}

/// A selector expression.
public indirect enum CQLSelectorExpression: Sendable, Equatable {
    /// A column.
    case column(String)
    /// A literal or bind marker.
    case term(CQLTerm)
    /// `COUNT(*)` (also `COUNT(1)`).
    case countAll
    /// `WRITETIME(c)`.
    case writeTime(String)
    /// `TTL(c)`.
    case timeToLive(String)
    /// `CAST(x AS type)`.
    case cast(CQLSelectorExpression, CQLType)
    /// A function call, e.g. `token(k)`, `toJson(c)`, `max(c)`.
    case functionCall(CQLQualifiedName, [CQLSelectorExpression])
    /// A map element or list index `m['k']`.
    case element(CQLSelectorExpression, CQLTerm)
    /// A UDT field `c.field`.
    case field(CQLSelectorExpression, String)
}
