/// A parsed `DESCRIBE` / `DESC` statement (Cassandra 4.0+ answers it server-side; cqlsh sends
/// the text as typed and prints the rows).
public struct CQLDescribe: Sendable, Equatable {
    /// What to describe.
    public enum Target: Sendable, Equatable {
        /// `KEYSPACES` (or `SCHEMAS`): every keyspace name.
        case keyspaces
        /// `[ONLY] KEYSPACE [ks]`: the keyspace (nil: the session's) and, unless `only`, its elements.
        case keyspace(String?, only: Bool)
        /// `TABLES` (or `COLUMNFAMILIES`): table names, of the session keyspace or of all.
        case tables
        /// `TABLE [ks.]t`.
        case table(CQLQualifiedName)
        /// `INDEX [ks.]i`.
        case index(CQLQualifiedName)
        /// `MATERIALIZED VIEW [ks.]v`.
        case materializedView(CQLQualifiedName)
        /// `TYPES`.
        case types
        /// `TYPE [ks.]t`.
        case type(CQLQualifiedName)
        /// `FUNCTIONS`.
        case functions
        /// `FUNCTION [ks.]f`.
        case function(CQLQualifiedName)
        /// `AGGREGATES`.
        case aggregates
        /// `AGGREGATE [ks.]a`.
        case aggregate(CQLQualifiedName)
        /// `[FULL] SCHEMA`: every user keyspace (with `full`, the system ones too).
        case schema(full: Bool)
        /// `CLUSTER`.
        case cluster
        /// A bare `[ks.]name`: a keyspace, else a table, index or view (in that order).
        case name(CQLQualifiedName)
    }

    /// What to describe.
    public var target: Target
    /// `WITH INTERNALS` was given (table ids and dropped columns in the output).
    public var withInternals: Bool

    /// Creates a describe statement.
    public init(_ target: Target, withInternals: Bool = false) {
        self.target = target
        self.withInternals = withInternals
    }
}
