/// `USING TTL x AND TIMESTAMP y`.
public struct CQLUsing: Sendable, Equatable {
    /// The TTL in seconds (a literal or a bind marker).
    public var timeToLive: CQLTerm?
    /// The write timestamp in microseconds (a literal or a bind marker).
    public var timestamp: CQLTerm?

    /// Creates the clause.
    public init(timeToLive: CQLTerm? = nil, timestamp: CQLTerm? = nil) {
        self.timeToLive = timeToLive
        self.timestamp = timestamp
    }
}

/// The lightweight-transaction condition of a modification.
public enum CQLCondition: Sendable, Equatable {
    /// `IF NOT EXISTS` (INSERT).
    case notExists
    /// `IF EXISTS` (UPDATE, DELETE).
    case exists
    /// `IF rel AND rel ...`.
    case relations([CQLRelation])
}

/// `INSERT INTO t ...`.
public struct CQLInsert: Sendable, Equatable {
    /// The table.
    public var table: CQLQualifiedName
    /// The values to insert.
    public var values: CQLInsertValues
    /// `IF NOT EXISTS`, if given.
    public var condition: CQLCondition?
    /// `USING ...`.
    public var using: CQLUsing
    /// `INSERT ... JSON ... DEFAULT UNSET`: columns the document leaves out are left alone
    /// rather than set to null.
    public var jsonDefaultUnset: Bool

    /// Creates the statement.
    public init(table: CQLQualifiedName, values: CQLInsertValues, condition: CQLCondition? = nil, using: CQLUsing = CQLUsing(),
                jsonDefaultUnset: Bool = false) {
        self.table = table
        self.values = values
        self.condition = condition
        self.using = using
        self.jsonDefaultUnset = jsonDefaultUnset
    }
}

/// The payload of an INSERT.
public enum CQLInsertValues: Sendable, Equatable {
    /// `(cols) VALUES (terms)`, same length.
    case columns([String], values: [CQLTerm])
    /// `JSON 'text'` or `JSON ?`.
    case json(CQLTerm)
}

/// `UPDATE t [USING ...] SET ... WHERE ... [IF ...]`.
public struct CQLUpdate: Sendable, Equatable {
    /// The table.
    public var table: CQLQualifiedName
    /// `USING ...`.
    public var using: CQLUsing
    /// The `SET` assignments, in order.
    public var assignments: [CQLAssignment]
    /// The `WHERE` clause.
    public var whereClause: CQLWhereExpression
    /// `IF ...`, if given.
    public var condition: CQLCondition?

    /// Creates the statement.
    public init(
        table: CQLQualifiedName, using: CQLUsing = CQLUsing(), assignments: [CQLAssignment],
        whereClause: CQLWhereExpression, condition: CQLCondition? = nil
    ) {
        self.table = table
        self.using = using
        self.assignments = assignments
        self.whereClause = whereClause
        self.condition = condition
    }
}

/// One `SET` assignment.
public enum CQLAssignment: Sendable, Equatable {
    /// `c = term`.
    case set(column: String, CQLTerm)
    /// `m[key] = term` (map element or list index).
    case setElement(column: String, key: CQLTerm, CQLTerm)
    /// `c = c + term` or `c += term` (counter add, collection append/union).
    case add(column: String, CQLTerm)
    /// `c = c - term` or `c -= term` (counter subtract, collection removal).
    case subtract(column: String, CQLTerm)
    /// `c = term + c` (list prepend).
    case prepend(column: String, CQLTerm)
    /// `c.field = term` (one field of a non-frozen user-defined type).
    case setField(column: String, field: String, CQLTerm)
}

/// `DELETE [selection] FROM t [USING TIMESTAMP ...] WHERE ... [IF ...]`.
public struct CQLDelete: Sendable, Equatable {
    /// The columns or elements to delete; empty deletes whole rows.
    public var selection: [CQLDeleteTarget]
    /// The table.
    public var table: CQLQualifiedName
    /// `USING TIMESTAMP ...`.
    public var using: CQLUsing
    /// The `WHERE` clause.
    public var whereClause: CQLWhereExpression
    /// `IF ...`, if given.
    public var condition: CQLCondition?

    /// Creates the statement.
    public init(
        selection: [CQLDeleteTarget] = [], table: CQLQualifiedName, using: CQLUsing = CQLUsing(),
        whereClause: CQLWhereExpression, condition: CQLCondition? = nil
    ) {
        self.selection = selection
        self.table = table
        self.using = using
        self.whereClause = whereClause
        self.condition = condition
    }
}

/// One thing a DELETE removes.
public enum CQLDeleteTarget: Sendable, Equatable {
    /// A whole column.
    case column(String)
    /// A map element or list index `m[key]`.
    case element(column: String, key: CQLTerm)
    /// One field `c.field` of a non-frozen user-defined type.
    case field(column: String, field: String)
}

/// `BEGIN [UNLOGGED|COUNTER] BATCH [USING TIMESTAMP ...] ... APPLY BATCH`.
public struct CQLBatch: Sendable, Equatable {
    /// The batch kind.
    public var kind: CQLBatchKind
    /// `USING TIMESTAMP ...`.
    public var using: CQLUsing
    /// The INSERT, UPDATE and DELETE statements, in order.
    public var statements: [CQLStatement]

    /// Creates the statement.
    public init(kind: CQLBatchKind = .logged, using: CQLUsing = CQLUsing(), statements: [CQLStatement]) {
        self.kind = kind
        self.using = using
        self.statements = statements
    }
}

/// The kind of a batch.
public enum CQLBatchKind: Sendable, Equatable {
    case logged, unlogged, counter
}
