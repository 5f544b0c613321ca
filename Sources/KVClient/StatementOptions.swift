import CQL

/// Per-statement settings; every nil falls back to the client's configuration.
public struct StatementOptions: Sendable, Hashable {
    /// The consistency level (default: `KVClientConfiguration.defaultConsistency`).
    public var consistency: ProtocolConsistency?
    /// Rows per page. `execute` sends no page size unless one is given (the server returns
    /// everything); `rows(...)` uses `KVClientConfiguration.defaultPageSize`.
    public var pageSize: Int32?
    /// The opaque state of the page to fetch, from `ResultPage.pagingState`.
    public var pagingState: [UInt8]?
    /// The serial consistency of conditional statements.
    public var serialConsistency: ProtocolConsistency?
    /// The client-side write timestamp, microseconds since the epoch.
    public var timestamp: Int64?
    /// The keyspace the statement's unqualified names refer to. Protocol v4 carries no
    /// per-statement keyspace, so this keys the prepared-statement cache and, when it differs
    /// from the session keyspace, the connection is switched with `USE` before the statement.
    public var keyspace: String?

    /// Creates options; everything defaults to the client's configuration.
    public init(consistency: ProtocolConsistency? = nil, pageSize: Int32? = nil, pagingState: [UInt8]? = nil,
                serialConsistency: ProtocolConsistency? = nil, timestamp: Int64? = nil, keyspace: String? = nil) {
        self.consistency = consistency
        self.pageSize = pageSize
        self.pagingState = pagingState
        self.serialConsistency = serialConsistency
        self.timestamp = timestamp
        self.keyspace = keyspace
    }

    /// Whether no option but the consistency is set (what `DirectExecution` sends).
    public var hasOnlyConsistency: Bool {
        pageSize == nil && pagingState == nil && serialConsistency == nil && timestamp == nil && keyspace == nil
    }

    /// No option set.
    public static let `default` = StatementOptions()
}
