/// Every bound the native-protocol server enforces, in one place (defaults documented here
/// and in `FORMAT.md`). A value type; the node builds one from its configuration.
public struct CQLServerConfiguration: Sendable, Equatable {
    /// The codec limits once a connection has sent STARTUP (frame size, LZ4 claims, nesting).
    public var protocolLimits: ProtocolLimits
    /// The largest frame body accepted before STARTUP. STARTUP and OPTIONS are tiny, so a
    /// small cap keeps an unauthenticated connection's buffered bytes bounded.
    public var maxFrameBodyBytesBeforeStartup: Int
    /// Requests dispatched to the `CQLRequestHandler` and not yet answered, per connection;
    /// one more is answered at once with ERROR Overloaded (0x1001).
    public var maxInFlightRequestsPerConnection: Int
    /// Open client connections per server; one more is closed at once.
    public var maxConnections: Int
    /// Bytes of pushed EVENT frames a connection may have queued and not yet written to its
    /// socket; a client that lets more pile up (it does not read) is closed, so it reconnects
    /// and refreshes instead of holding unbounded memory.
    public var maxPendingEventBytesPerConnection: Int

    /// Creates a configuration; the defaults suit a node.
    public init(protocolLimits: ProtocolLimits = .default,
                maxFrameBodyBytesBeforeStartup: Int = 64 * 1024,
                maxInFlightRequestsPerConnection: Int = 1024,
                maxConnections: Int = 1024,
                maxPendingEventBytesPerConnection: Int = 1024 * 1024) {
        self.protocolLimits = protocolLimits
        self.maxFrameBodyBytesBeforeStartup = maxFrameBodyBytesBeforeStartup
        self.maxInFlightRequestsPerConnection = maxInFlightRequestsPerConnection
        self.maxConnections = maxConnections
        self.maxPendingEventBytesPerConnection = maxPendingEventBytesPerConnection
    }

    /// The defaults: 16 MiB frames (64 KiB before STARTUP), 1024 requests in flight per
    /// connection, 1024 connections, 1 MiB of unwritten events per connection.
    public static let `default` = CQLServerConfiguration()

    /// The codec limits that apply before STARTUP: the frame cap shrunk to
    /// `maxFrameBodyBytesBeforeStartup`.
    public var limitsBeforeStartup: ProtocolLimits {
        var limits = protocolLimits
        limits.maxFrameBodyBytes = min(limits.maxFrameBodyBytes, maxFrameBodyBytesBeforeStartup)
        return limits
    }
}
