import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The real internode transport: framed TCP over SwiftNIO (FORMAT.md).
///
/// A listener on `localAddress` accepts connections from peers and runs their requests and
/// one-way messages through the handlers; answers go back on the connection the request
/// came in on. Toward each peer there is one outbound connection, opened on first use,
/// reopened after a failure with exponential backoff, with a bounded queue in front of it.
/// Requests are matched to answers by request id and time out on the event loop.
///
/// Start with `start(listeningOn:configuration:group:logger:)`; call `shutdown()` before
/// dropping it (an owned event loop group is only released there; an injected one must
/// outlive the transport). Thread-safe.
public final class NIOTransport: Transport {
    private let context: TransportContext
    private let group: EventLoopGroup
    private let ownsGroup: Bool
    private let serverChannel: Channel
    private let inboundChannels: ChannelSet
    private let peers: Mutex<PeerTable>
    private let nextRequestID = Atomic<UInt64>(1)

    private struct PeerTable {
        var connections: [NodeAddress: PeerConnection] = [:]
        var isShutDown = false
    }

    /// Starts a transport listening on `address` (port 0 picks a free port; read it back from
    /// `localAddress`). The host is also the sender address peers see, so it must be the
    /// node's own reachable address, not a wildcard such as `0.0.0.0`. Uses `group` if given, else creates one of
    /// `configuration.eventLoopThreadCount` threads that `shutdown()` releases. Throws
    /// `.bindFailed` naming the address when it cannot listen (for example, the port is in
    /// use), or `.invalidLocalAddress` when the host cannot travel in a frame.
    public static func start(
        listeningOn address: NodeAddress,
        configuration: MessagingConfiguration = MessagingConfiguration(),
        group: EventLoopGroup? = nil,
        logger: Logger = Logger(label: "kvstore.messaging")
    ) async throws(MessagingError) -> NIOTransport {
        let hostLength = address.host.utf8.count
        guard (1...NodeAddress.maxHostLengthBytes).contains(hostLength) else {
            throw .invalidLocalAddress(address, reason: "host must be 1...\(NodeAddress.maxHostLengthBytes) bytes of UTF-8")
        }
        var logger = logger
        logger[metadataKey: "node"] = "\(address)"
        let context = TransportContext(address: address, configuration: configuration, logger: logger)
        let eventLoopGroup = group ?? MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreadCount)
        let channels = ChannelSet()
        do {
            let serverChannel = try await Self.bind(address, context: context, channels: channels, group: eventLoopGroup)
            if let port = serverChannel.localAddress?.port {
                context.setLocalAddress(NodeAddress(host: address.host, port: port))
            }
            logger.info("listening for internode messages on \(context.localAddress)")
            return NIOTransport(
                context: context, group: eventLoopGroup, ownsGroup: group == nil,
                serverChannel: serverChannel, inboundChannels: channels)
        } catch {
            if group == nil { try? await eventLoopGroup.shutdownGracefully() }
            throw .bindFailed(address, reason: "\(error)")
        }
    }

    private init(
        context: TransportContext, group: EventLoopGroup, ownsGroup: Bool, serverChannel: Channel,
        inboundChannels: ChannelSet
    ) {
        self.context = context
        self.group = group
        self.ownsGroup = ownsGroup
        self.serverChannel = serverChannel
        self.inboundChannels = inboundChannels
        peers = Mutex(PeerTable())
    }

    private static func bind(
        _ address: NodeAddress, context: TransportContext, channels: ChannelSet, group: EventLoopGroup
    ) async throws -> Channel {
        let dispatcher = InboundDispatcher(transport: context)
        let maxFrameSizeBytes = context.configuration.maxFrameSizeBytes
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard channels.insert(channel) else { return channel.close() }
                return channel.eventLoop.makeCompletedFuture {
                    // Stop reading requests while answers back up (a peer that does not
                    // read), so that the answers waiting in memory stay bounded.
                    try channel.pipeline.syncOperations.addHandler(BackPressureHandler())
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameSizeBytes: maxFrameSizeBytes)))
                    try channel.pipeline.syncOperations.addHandler(
                        InboundChannelHandler(dispatcher: dispatcher, channels: channels))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
    }

    // MARK: Transport

    /// The listening address, with the bound port.
    public var localAddress: NodeAddress { context.localAddress }

    /// Loss counters since start.
    public var statistics: TransportStatistics { context.counters.snapshot }

    /// Installs or removes the handler of `verb`; see `Transport.setHandler(for:_:)`. Install
    /// handlers right after `start`: until then requests get "no handler" error responses.
    public func setHandler(for verb: Verb, _ handler: MessageHandler?) {
        context.handlers.set(handler, for: verb)
    }

    /// Encodes on the calling thread and queues on the peer's link; see `Transport.send`.
    public func send(_ payload: [UInt8], verb: Verb, to destination: NodeAddress) {
        guard payload.count <= context.maxPayloadSizeBytes, let peer = peerConnection(to: destination) else {
            context.counters.droppedOutboundMessages.wrappingAdd(1, ordering: .relaxed)
            context.logger.debug("dropped one-way \(verb) to \(destination): too large or shut down")
            return
        }
        peer.send(context.encode(kind: .oneWay, verb: verb, requestID: 0, payload: payload))
    }

    /// Sends on the peer's link and waits for the answer on it; the timeout runs on the
    /// link's event loop, and cancelling the calling task fails the request with
    /// `.cancelled`. See `Transport.request`.
    public func request(
        _ payload: [UInt8], verb: Verb, to destination: NodeAddress, timeout: Duration?
    ) async throws(MessagingError) -> [UInt8] {
        let maxBytes = context.maxPayloadSizeBytes
        guard payload.count <= maxBytes else { throw .payloadTooLarge(sizeBytes: payload.count, maxBytes: maxBytes) }
        guard let peer = peerConnection(to: destination) else { throw .closed }
        let id = nextRequestID.wrappingAdd(1, ordering: .relaxed).oldValue
        let bytes = context.encode(kind: .request, verb: verb, requestID: id, payload: payload)
        let promise = peer.eventLoop.makePromise(of: [UInt8].self)
        peer.request(bytes, id: id, verb: verb, timeout: timeout ?? context.configuration.timeout(for: verb), promise: promise)
        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                peer.cancelRequest(id: id)
            }
        } catch let error as MessagingError {
            throw error
        } catch {
            // Only reachable when an injected event loop group was shut down under us.
            throw .closed
        }
    }

    /// Stops accepting, cancels running handlers, closes accepted connections and every
    /// peer link (waiting requests fail with `.closed`), then releases an owned event loop
    /// group. Returns when that is done; a second call returns at once.
    public func shutdown() async {
        let connections: [PeerConnection]? = peers.withLock { table in
            guard !table.isShutDown else { return nil }
            table.isShutDown = true
            return Array(table.connections.values)
        }
        guard let connections else { return }
        context.inboundTasks.closeAndCancelAll()
        try? await serverChannel.close()
        await inboundChannels.closeAll()
        for connection in connections {
            try? await connection.shutdown().get()
        }
        context.handlers.removeAll()
        if ownsGroup { try? await group.shutdownGracefully() }
        context.logger.info("internode transport shut down")
    }

    /// The link to `destination`, created on first use; nil once shut down.
    private func peerConnection(to destination: NodeAddress) -> PeerConnection? {
        peers.withLock { table in
            guard !table.isShutDown else { return nil }
            if let existing = table.connections[destination] { return existing }
            let connection = PeerConnection(peer: destination, eventLoop: group.next(), context: context)
            table.connections[destination] = connection
            return connection
        }
    }
}
