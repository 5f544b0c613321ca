import CQL
import KVCore
import NIOCore
import NIOPosix

/// Everything a `KVClient` can be tuned with, defaults in one place.
///
/// A value type; pass it to `KVClient.connect(contactPoints:configuration:)`. Durations are in
/// milliseconds, sizes in bytes or counts as their names say.
public struct KVClientConfiguration: Sendable {
    /// The native port of a contact point given without one, and of peers whose rows carry no
    /// `rpc_port`/`native_port` column.
    public var defaultPort: Int
    /// Connections opened to each node (lazily, as requests need them). At least 1.
    public var connectionsPerHost: Int
    /// Requests in flight on one connection at once; at most 32,768 (the positive stream ids).
    public var maxStreamsPerConnection: Int
    /// Requests waiting for a free stream id on one connection; one more fails at once.
    public var maxQueuedRequestsPerConnection: Int
    /// How long a request may wait for its response before failing with `.timeout`. Each
    /// connection checks its requests' deadlines every tenth of the shortest of this and
    /// `connectTimeoutMs` (at most every 100 ms), so a request fails up to that much later.
    public var requestTimeoutMs: Int64
    /// How long opening a TCP connection and its STARTUP may take.
    public var connectTimeoutMs: Int64
    /// Body compression to ask for in STARTUP (nil: none).
    public var compression: FrameCompression?
    /// The session keyspace set on every connection (as `use(_:)` does later).
    public var keyspace: String?
    /// The consistency of statements that do not choose one.
    public var defaultConsistency: ProtocolConsistency
    /// The page size of `rows(...)` when the options give none.
    public var defaultPageSize: Int32
    /// The first delay before reconnecting to a node that refused or dropped a connection;
    /// doubled after each failure up to `reconnectMaxDelayMs`, reset by a success.
    public var reconnectBaseDelayMs: Int64
    /// The longest reconnection delay.
    public var reconnectMaxDelayMs: Int64
    /// Whether `connect` reads `system.peers` to find the other nodes (false: only the contact
    /// points are used, and requests are not token-aware).
    public var discoversPeers: Bool
    /// The codec limits applied to responses.
    public var protocolLimits: ProtocolLimits
    /// The event loops connections run on (nil: NIO's shared singleton group).
    public var eventLoopGroup: (any EventLoopGroup)?

    /// The most stream ids a v4 connection has (0...32767).
    public static let streamIDCount = 32_768

    /// Creates a configuration; every default is documented on its property.
    public init(defaultPort: Int = 9042, connectionsPerHost: Int = 1,
                maxStreamsPerConnection: Int = 32_768, maxQueuedRequestsPerConnection: Int = 4096,
                requestTimeoutMs: Int64 = 12_000, connectTimeoutMs: Int64 = 5_000,
                compression: FrameCompression? = nil, keyspace: String? = nil,
                defaultConsistency: ProtocolConsistency = .one, defaultPageSize: Int32 = 5000,
                reconnectBaseDelayMs: Int64 = 100, reconnectMaxDelayMs: Int64 = 10_000,
                discoversPeers: Bool = true, protocolLimits: ProtocolLimits = .default,
                eventLoopGroup: (any EventLoopGroup)? = nil) {
        self.defaultPort = defaultPort
        self.connectionsPerHost = max(1, connectionsPerHost)
        self.maxStreamsPerConnection = min(max(1, maxStreamsPerConnection), Self.streamIDCount)
        self.maxQueuedRequestsPerConnection = max(0, maxQueuedRequestsPerConnection)
        self.requestTimeoutMs = requestTimeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.compression = compression
        self.keyspace = keyspace
        self.defaultConsistency = defaultConsistency
        self.defaultPageSize = defaultPageSize
        self.reconnectBaseDelayMs = reconnectBaseDelayMs
        self.reconnectMaxDelayMs = reconnectMaxDelayMs
        self.discoversPeers = discoversPeers
        self.protocolLimits = protocolLimits
        self.eventLoopGroup = eventLoopGroup
    }

    /// The group connections use.
    var resolvedEventLoopGroup: any EventLoopGroup {
        eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
    }
}
