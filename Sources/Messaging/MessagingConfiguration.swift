/// Every limit and timing of the internode transport, in one place. A value type passed to a
/// transport when it starts; the defaults are documented per property and suit a node on a
/// LAN.
public struct MessagingConfiguration: Sendable {
    /// How long a TCP connect to a peer may take before it counts as failed. Default 2 s.
    public var connectTimeout: Duration = .seconds(2)
    /// The wait before the first reconnect after a failed connect. Default 100 ms.
    public var reconnectBackoffMin: Duration = .milliseconds(100)
    /// The cap on the wait between reconnects; the wait doubles per consecutive failure up to
    /// this. Default 1 s: a restarted peer is reachable again within a second of coming back,
    /// before gossip shows it up and coordinators send it requests (a connect attempt a
    /// second to a down peer costs nothing on a LAN).
    public var reconnectBackoffMax: Duration = .seconds(1)

    /// The largest frame, header and checksums included, that is sent or accepted. A peer
    /// that announces a larger one is disconnected before its payload is buffered.
    /// Default 64 MiB.
    public var maxFrameSizeBytes: Int = 64 * 1024 * 1024
    /// Messages waiting per peer while it is disconnected or its socket is full; beyond this,
    /// one-way messages are dropped (and counted) and requests fail with `.queueFull`.
    /// Default 8192.
    public var maxOutboundQueueCount: Int = 8192
    /// Bytes waiting per peer, the same way as `maxOutboundQueueCount`. Default 128 MiB.
    public var maxOutboundQueueBytes: Int = 128 * 1024 * 1024
    /// Inbound messages whose handlers may run at once, per transport. Beyond this, requests
    /// get an error response and one-way messages are dropped (and counted). Default 4096.
    public var maxConcurrentInboundMessages: Int = 4096
    /// Threads of the event loop group a transport creates when none is given. Default 2.
    public var eventLoopThreadCount: Int = 2

    /// The timeout of a request whose verb has no entry in `verbTimeouts`. Default 5 s.
    public var defaultRequestTimeout: Duration = .seconds(5)
    /// Per-verb request timeouts; see `MessagingConfiguration.defaultVerbTimeouts`.
    public var verbTimeouts: [Verb: Duration] = MessagingConfiguration.defaultVerbTimeouts

    /// Gossip 1 s; writes (mutation, hint, batchlog store and remove) 2 s; single-partition reads 5 s; range reads and
    /// schema exchange 10 s; truncate 60 s; echo 1 s.
    public static let defaultVerbTimeouts: [Verb: Duration] = [
        .echo: .seconds(1),
        .gossipDigestSyn: .seconds(1), .gossipDigestAck: .seconds(1),
        .gossipDigestAck2: .seconds(1), .gossipShutdown: .seconds(1),
        .mutation: .seconds(2), .hint: .seconds(2), .batchStore: .seconds(2), .batchRemove: .seconds(2),
        .read: .seconds(5), .rangeRead: .seconds(10), .filteredScan: .seconds(10),
        .schemaPull: .seconds(10), .schemaPush: .seconds(10),
        .truncate: .seconds(60),
    ]

    /// The defaults above.
    public init() {}

    /// The timeout a request of `verb` gets when its caller names none.
    public func timeout(for verb: Verb) -> Duration {
        verbTimeouts[verb] ?? defaultRequestTimeout
    }

    /// The largest payload that fits in a frame from a sender whose host is `hostLengthBytes`
    /// long.
    public func maxPayloadSizeBytes(hostLengthBytes: Int) -> Int {
        maxFrameSizeBytes - FrameCodec.overheadBytes - hostLengthBytes
    }
}
