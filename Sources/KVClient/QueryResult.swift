import CQL
import KVCore

/// What a statement returned.
public enum QueryResult: Sendable {
    /// No content (writes, most DDL answered without a schema change).
    case void
    /// One page of rows.
    case rows(ResultPage)
    /// `USE` switched the session keyspace to this one.
    case setKeyspace(String)
    /// A DDL statement changed the schema.
    case schemaChange(SchemaChange)
    /// A PREPARE (only from `prepare`, never from `execute`).
    case prepared(PreparedStatement)

    /// The page of rows, or nil for other kinds.
    public var page: ResultPage? {
        if case .rows(let page) = self { return page }
        return nil
    }
}

/// One page of a Rows result, decoded.
public struct ResultPage: Sendable {
    /// The columns, shared by every row.
    public let columns: ResultColumns
    /// The rows of this page.
    public let rows: [Row]
    /// Present when more pages follow: pass it in `StatementOptions.pagingState`.
    public let pagingState: [UInt8]?
    /// The warnings the server sent with this page (frame flag 0x08), in its order.
    public let warnings: [String]
    /// The custom payload the server sent with this page (frame flag 0x04), by key; a
    /// null value is left out. Empty when the frame had none.
    public let customPayload: [String: [UInt8]]

    /// Creates a page.
    public init(columns: ResultColumns, rows: [Row], pagingState: [UInt8]?, warnings: [String] = [],
                customPayload: [String: [UInt8]] = [:]) {
        self.columns = columns
        self.rows = rows
        self.pagingState = pagingState
        self.warnings = warnings
        self.customPayload = customPayload
    }
}

/// The column specifications of a result and their decoded types. Immutable, shared by
/// reference by every `Row` of a page so that rows cost only their values.
public final class ResultColumns: Sendable {
    /// The columns as the server described them.
    public let specifications: [ColumnSpecification]
    /// Each column's type, in the form `CQLValue` decodes.
    public let types: [CQLDataType]
    private let indexByName: [String: Int]

    /// Creates the columns of a result.
    public init(specifications: [ColumnSpecification]) {
        self.specifications = specifications
        self.types = specifications.map { $0.type.dataType }
        var index: [String: Int] = [:]
        for (position, column) in specifications.enumerated() where index[column.name] == nil {
            index[column.name] = position
        }
        self.indexByName = index
    }

    /// The column names in order.
    public var names: [String] { specifications.map(\.name) }
    /// The number of columns.
    public var count: Int { specifications.count }
    /// The position of the first column called `name`, or nil.
    public func index(of name: String) -> Int? { indexByName[name] }
}

/// One decoded row: a value (nil for null) per column.
public struct Row: Sendable {
    /// The columns of the result this row belongs to.
    public let columns: ResultColumns
    /// One value per column, nil for null.
    public let values: [CQLValue?]

    /// Creates a row; requires one value per column.
    public init(columns: ResultColumns, values: [CQLValue?]) {
        precondition(values.count == columns.count, "a row has one value per column")
        self.columns = columns
        self.values = values
    }

    /// The value at `index` (nil for null). Requires a valid index.
    public subscript(index: Int) -> CQLValue? { values[index] }

    /// The value of the column called `name`; nil for null or an unknown column.
    public subscript(name: String) -> CQLValue? {
        guard let index = columns.index(of: name) else { return nil }
        return values[index]
    }
}
