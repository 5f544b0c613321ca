/// What a `CQLRequestHandler` knows of the connection a request came on.
public struct CQLConnectionInfo: Sendable, Hashable {
    /// Unique per server for the life of the process (for per-connection session state).
    public var connectionID: UInt64
    /// The client's address as text, when known.
    public var remoteAddress: String?
    /// The options the client sent in STARTUP (`CQL_VERSION`, `DRIVER_NAME`, ...).
    public var startupOptions: [String: String]

    /// Creates a description of a connection.
    public init(connectionID: UInt64, remoteAddress: String? = nil, startupOptions: [String: String] = [:]) {
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
        self.startupOptions = startupOptions
    }
}
