import Logging
import NIOCore
import NIOPosix

/// The outbound link from this node to one peer: a lazily opened TCP connection, the
/// bounded queue of frames waiting for it, the requests waiting for answers on it, and the
/// reconnect schedule.
///
/// Threading: every mutable property is touched only on `eventLoop`, the loop the
/// connection's channel also runs on; the internal entry points hop there with `execute`,
/// which keeps calls in the order they were made. That confinement is what makes the
/// `@unchecked Sendable` sound.
///
/// Answers come back on the same connection, so closing it fails every request still
/// waiting with `.connectionLost`. A failed connect fails queued requests with
/// `.unreachable` and waits out a `ReconnectBackoff` before the next attempt, which happens
/// only when something is queued again.
final class PeerConnection: @unchecked Sendable {
    /// The peer's listening address.
    let peer: NodeAddress
    /// The loop that owns this link's state and channel.
    let eventLoop: EventLoop
    private let context: TransportContext
    private let logger: Logger

    private enum LinkState {
        case idle
        case connecting
        case connected(Channel)
        case backingOff
        case shutDown
    }

    private enum EnqueueOutcome { case accepted, queueFull, shutDown }

    private struct PendingRequest {
        var promise: EventLoopPromise<[UInt8]>
        var timeoutTask: Scheduled<Void>
    }

    private var state = LinkState.idle
    private var queue: OutboundQueue
    private var pending: [UInt64: PendingRequest] = [:]
    private var backoff: ReconnectBackoff

    /// A disconnected link to `peer` whose state lives on `eventLoop`.
    init(peer: NodeAddress, eventLoop: EventLoop, context: TransportContext) {
        self.peer = peer
        self.eventLoop = eventLoop
        self.context = context
        let configuration = context.configuration
        queue = OutboundQueue(maxCount: configuration.maxOutboundQueueCount, maxBytes: configuration.maxOutboundQueueBytes)
        backoff = ReconnectBackoff(min: configuration.reconnectBackoffMin, max: configuration.reconnectBackoffMax)
        var logger = context.logger
        logger[metadataKey: "peer"] = "\(peer)"
        self.logger = logger
    }

    // MARK: Entry points, callable from any thread

    /// Queues a one-way frame; dropped and counted if it cannot be queued.
    func send(_ bytes: ByteBuffer) {
        eventLoop.execute {
            if self.enqueue(QueuedFrame(bytes: bytes, requestID: nil)) != .accepted {
                self.context.counters.droppedOutboundMessages.wrappingAdd(1, ordering: .relaxed)
            }
        }
    }

    /// Queues a request frame and completes `promise` with its answer, or fails it with a
    /// `MessagingError` (timeout after `timeout`, queue full, connect or connection failure).
    func request(_ bytes: ByteBuffer, id: UInt64, verb: Verb, timeout: Duration, promise: EventLoopPromise<[UInt8]>) {
        eventLoop.execute {
            let timeoutTask = self.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                self.fail(requestID: id, with: .timeout(verb: verb, peer: self.peer, after: timeout))
            }
            self.pending[id] = PendingRequest(promise: promise, timeoutTask: timeoutTask)
            switch self.enqueue(QueuedFrame(bytes: bytes, requestID: id)) {
            case .accepted: break
            case .queueFull: self.fail(requestID: id, with: .queueFull(self.peer))
            case .shutDown: self.fail(requestID: id, with: .closed)
            }
        }
    }

    /// Fails request `id` with `.cancelled` if it still waits.
    func cancelRequest(id: UInt64) {
        eventLoop.execute { self.fail(requestID: id, with: .cancelled) }
    }

    /// Closes the link for good: waiting requests fail with `.closed`, queued frames are
    /// dropped, the channel is closed. Completes when that is done.
    func shutdown() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            let channel: Channel? = if case .connected(let channel) = self.state { channel } else { nil }
            self.state = .shutDown
            self.dropQueue(failingRequestsWith: .closed)
            self.failAllPending(with: .closed)
            return channel?.close().recover { _ in } ?? self.eventLoop.makeSucceededVoidFuture()
        }
    }

    // MARK: Events from the channel, on the event loop

    /// An answer arrived: completes its request, if that still waits.
    func receive(_ frame: Frame) {
        eventLoop.preconditionInEventLoop()
        guard let request = pending.removeValue(forKey: frame.requestID) else {
            logger.debug("answer to a request no longer waiting", metadata: ["requestID": "\(frame.requestID)"])
            return
        }
        request.timeoutTask.cancel()
        if frame.kind == .response {
            request.promise.succeed(frame.payload)
        } else {
            request.promise.fail(MessagingError.remoteError(String(decoding: frame.payload, as: UTF8.self)))
        }
    }

    /// The socket can take more bytes: writes what waits.
    func writabilityChanged() {
        eventLoop.preconditionInEventLoop()
        drainQueue()
    }

    // MARK: Queueing and writing

    private func enqueue(_ frame: QueuedFrame) -> EnqueueOutcome {
        switch state {
        case .shutDown:
            return .shutDown
        case .connected(let channel) where queue.isEmpty && channel.isWritable:
            channel.writeAndFlush(frame.bytes, promise: nil)
            return .accepted
        case .idle:
            guard queue.append(frame) else { return .queueFull }
            connect()
            return .accepted
        case .connecting, .backingOff, .connected:
            return queue.append(frame) ? .accepted : .queueFull
        }
    }

    private func drainQueue() {
        guard case .connected(let channel) = state else { return }
        var wrote = false
        while channel.isWritable, let next = queue.popFirst() {
            if let id = next.requestID, pending[id] == nil { continue }  // abandoned while queued
            channel.write(next.bytes, promise: nil)
            wrote = true
        }
        if wrote { channel.flush() }
    }

    private func dropQueue(failingRequestsWith error: MessagingError) {
        for frame in queue.removeAll() {
            if let id = frame.requestID {
                fail(requestID: id, with: error)
            } else {
                context.counters.droppedOutboundMessages.wrappingAdd(1, ordering: .relaxed)
            }
        }
    }

    // MARK: Connection lifecycle

    private func connect() {
        state = .connecting
        let context = self.context
        ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(context.configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameSizeBytes: context.configuration.maxFrameSizeBytes)))
                    try channel.pipeline.syncOperations.addHandler(PeerChannelHandler(connection: self, transport: context))
                }
            }
            .connect(host: peer.host, port: peer.port)
            .whenComplete { result in
                switch result {
                case .success(let channel): self.connected(channel)
                case .failure(let error): self.connectFailed(error)
                }
            }
    }

    private func connected(_ channel: Channel) {
        eventLoop.preconditionInEventLoop()
        guard case .connecting = state else {
            channel.close(promise: nil)  // shut down while connecting
            return
        }
        state = .connected(channel)
        backoff.reset()
        logger.debug("connected")
        // The close future fires even if the channel closed already, unlike channelInactive.
        channel.closeFuture.whenComplete { _ in self.channelClosed(channel) }
        drainQueue()
    }

    private func connectFailed(_ error: any Error) {
        eventLoop.preconditionInEventLoop()
        guard case .connecting = state else { return }
        context.counters.failedConnects.wrappingAdd(1, ordering: .relaxed)
        state = .backingOff
        let delay = backoff.recordFailure()
        let level: Logger.Level = backoff.consecutiveFailures == 1 ? .info : .debug
        logger.log(level: level, "connect failed; retrying after \(delay) if needed", metadata: ["error": "\(error)"])
        dropQueue(failingRequestsWith: .unreachable(peer, reason: "\(error)"))
        eventLoop.scheduleTask(in: TimeAmount(delay)) { self.backoffExpired() }
    }

    private func backoffExpired() {
        guard case .backingOff = state else { return }
        state = .idle
        if !queue.isEmpty { connect() }
    }

    private func channelClosed(_ channel: Channel) {
        guard case .connected(let current) = state, current === channel else { return }
        logger.debug("connection closed")
        state = .idle
        // Answers travel on this connection only, so no waiting request can be answered now.
        dropQueue(failingRequestsWith: .connectionLost(peer))
        failAllPending(with: .connectionLost(peer))
    }

    // MARK: Requests

    private func fail(requestID: UInt64, with error: MessagingError) {
        guard let request = pending.removeValue(forKey: requestID) else { return }
        request.timeoutTask.cancel()
        request.promise.fail(error)
    }

    private func failAllPending(with error: MessagingError) {
        let failed = pending
        pending.removeAll()
        for request in failed.values {
            request.timeoutTask.cancel()
            request.promise.fail(error)
        }
    }
}
