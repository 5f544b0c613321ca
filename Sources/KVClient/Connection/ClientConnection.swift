import CQL
import NIOCore
import NIOPosix
import Synchronization

/// One open, started connection to a node. Thread-safe: requests may be sent from any task,
/// many at once (see `ClientConnectionHandler` for the stream-id and timeout rules). A request
/// made on the connection's event loop is handed to its handler at once; from elsewhere it
/// hops to the loop first.
final class ClientConnection: Sendable {
    /// The node.
    let address: HostAddress
    /// The channel (its pipeline holds `handler`).
    let channel: any Channel
    /// The channel's event loop.
    let eventLoop: any EventLoop
    /// The identity of `eventLoop`, compared when choosing a connection.
    let loopID: ObjectIdentifier
    private let handler: NIOLoopBound<ClientConnectionHandler>
    /// Requests in flight or queued here.
    let load: ConnectionLoad
    /// The keyspace the last `USE` on this connection switched to.
    let keyspace: Mutex<String?>
    private let requestTimeoutMs: Int64

    private init(address: HostAddress, channel: any Channel, handler: ClientConnectionHandler, load: ConnectionLoad,
                 requestTimeoutMs: Int64) {
        self.address = address
        self.channel = channel
        self.eventLoop = channel.eventLoop
        self.loopID = ObjectIdentifier(channel.eventLoop)
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.load = load
        self.keyspace = Mutex(nil)
        self.requestTimeoutMs = requestTimeoutMs
    }

    /// Whether the channel is still open.
    var isActive: Bool { channel.isActive }

    /// Whether the last `USE` on this connection switched to `keyspace`.
    func isUsing(keyspace: String) -> Bool {
        self.keyspace.withLock { $0 == keyspace }
    }

    /// Sends `message` and returns the future of its response (failed with a `KVClientError`).
    func request(_ message: RequestMessage, timeoutMs: Int64? = nil) -> EventLoopFuture<DecodedResponse> {
        request(.message(message), timeoutMs: timeoutMs)
    }

    /// Sends `body` and returns the future of its response (failed with a `KVClientError`).
    func request(_ body: ClientRequest.Body, timeoutMs: Int64? = nil) -> EventLoopFuture<DecodedResponse> {
        let promise = eventLoop.makePromise(of: DecodedResponse.self)
        submit(ClientRequest(body: body, completion: .promise(promise), timeoutMs: timeoutMs ?? requestTimeoutMs))
        return promise.futureResult
    }

    /// Sends `message` and waits for its response, on the caller's executor (`nonsending`:
    /// no executor switch before the request leaves).
    nonisolated(nonsending) func send(_ message: RequestMessage) async throws(KVClientError) -> DecodedResponse {
        let timeoutMs = requestTimeoutMs
        return try await withUnsafeContinuation { continuation in
            // On the loop the message is encoded where it lies: no copy of it (and no
            // retain of its id and values) per request.
            if eventLoop.inEventLoop {
                handler.value.submit(message, completion: .continuation(continuation), timeoutMs: timeoutMs)
            } else {
                submit(ClientRequest(body: .message(message), completion: .continuation(continuation), timeoutMs: timeoutMs))
            }
        }.get()
    }

    /// Sends `body` from the connection's event loop (required), its outcome going to
    /// `completion` on this loop.
    func submitOnLoop(_ body: ClientRequest.Body, completion: ResponseCompletion) {
        handler.value.submit(ClientRequest(body: body, completion: completion, timeoutMs: requestTimeoutMs))
    }

    /// Sends an EXECUTE encoded in place from the connection's event loop (required), its
    /// outcome going to `completion` on this loop; false, sending nothing, when no stream id
    /// is free or the connection is closed (see `ClientConnectionHandler.submitExecute`).
    func submitExecuteOnLoop(id: [UInt8], consistency: ProtocolConsistency, values: [ProtocolValue], skipMetadata: Bool,
                             completion: ResponseCompletion) -> Bool {
        handler.value.submitExecute(id: id, consistency: consistency, values: values, skipMetadata: skipMetadata,
                                    completion: completion, timeoutMs: requestTimeoutMs)
    }

    private func submit(_ request: ClientRequest) {
        if eventLoop.inEventLoop {
            handler.value.submit(request)
        } else {
            eventLoop.execute { [handler] in handler.value.submit(request) }
        }
    }

    /// Closes the channel; pending requests fail with `.connectionClosed`.
    func close() {
        channel.close(promise: nil)
    }

    /// Opens a TCP connection to `address` and sends STARTUP (asking for the configured
    /// compression). The future fails with `.connectionClosed` when the node cannot be reached
    /// or refuses STARTUP.
    static func open(to address: HostAddress, configuration: KVClientConfiguration) -> EventLoopFuture<ClientConnection> {
        let load = ConnectionLoad()
        let bootstrap = ClientBootstrap(group: configuration.resolvedEventLoopGroup)
            .connectTimeout(.milliseconds(configuration.connectTimeoutMs))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientConnectionHandler(
                        hostDescription: address.description, load: load,
                        maxStreams: configuration.maxStreamsPerConnection,
                        maxQueued: configuration.maxQueuedRequestsPerConnection,
                        sweepIntervalMs: ClientConnectionHandler.sweepIntervalMs(
                            forTimeoutsMs: [configuration.requestTimeoutMs, configuration.connectTimeoutMs]),
                        limits: configuration.protocolLimits)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        return bootstrap.connect(host: address.host, port: address.port)
            .flatMapErrorThrowing { error in
                throw KVClientError.connectionClosed(host: address.description, reason: "cannot connect: \(error)")
            }
            .flatMap { channel in
                let handler: ClientConnectionHandler
                do {
                    handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                } catch {
                    channel.close(promise: nil)
                    return channel.eventLoop.makeFailedFuture(
                        KVClientError.connectionClosed(host: address.description, reason: "closed while opening"))
                }
                let connection = ClientConnection(address: address, channel: channel, handler: handler, load: load,
                                                  requestTimeoutMs: configuration.requestTimeoutMs)
                return connection.start(compression: configuration.compression,
                                        timeoutMs: configuration.connectTimeoutMs)
            }
    }

    private func start(compression: FrameCompression?, timeoutMs: Int64) -> EventLoopFuture<ClientConnection> {
        var options = ["CQL_VERSION": "3.0.0", "DRIVER_NAME": "KVClient", "DRIVER_VERSION": "1.0"]
        if let compression { options["COMPRESSION"] = compression.rawValue }
        return request(.startup(options: options), timeoutMs: timeoutMs).flatMapThrowing { response in
            switch response.message {
            case .ready: return self
            case .error(let error):
                throw KVClientError.connectionClosed(host: self.address.description,
                                                     reason: "STARTUP refused: \(error.message)")
            default:
                throw KVClientError.connectionClosed(host: self.address.description,
                                                     reason: "STARTUP answered with \(response.message.opcode)")
            }
        }.flatMapErrorThrowing { error in
            self.close()
            throw error
        }
    }
}
