/// One column of a result or of a prepared statement's bind markers.
public struct ColumnSpecification: Sendable, Hashable {
    /// The keyspace (drivers route prepared statements by it: use the real one).
    public var keyspace: String
    /// The table.
    public var table: String
    /// The column (or bind marker) name.
    public var name: String
    /// The type.
    public var type: DataTypeOption

    /// Creates a column specification.
    public init(keyspace: String, table: String, name: String, type: DataTypeOption) {
        self.keyspace = keyspace
        self.table = table
        self.name = name
        self.type = type
    }
}
