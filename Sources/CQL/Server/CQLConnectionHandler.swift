import NIOCore

/// The channel handler of one client connection: a thin shell over `ConnectionStateMachine`
/// that performs its actions (write, run requests on the `CQLRequestHandler`, close).
///
/// Add it as the only handler of an accepted channel (`CQLConnectionHandler.install`). It
/// admits the connection against the server's `CQLConnectionRegistry` when the channel
/// becomes active and closes it at once when the server is full.
/// Each request the handler can answer at once (`respondAtOnce`) is answered inside the read
/// that brought it; every other runs as a task that prefers the connection's event loop
/// (`EventLoopTaskExecutor`) and starts at once, so one that never suspends is also answered
/// before the read ends. The answers of one read leave in one flush; others are written as
/// they complete.
/// Backpressure: while the channel is not writable (the client does not read its responses)
/// no more bytes are read, so neither inbound nor outbound buffers grow without bound.
/// Once the client REGISTERs, the connection subscribes to the server's `CQLEventBroadcaster`
/// and writes the EVENTs it is handed (on its loop, bounded by
/// `maxPendingEventBytesPerConnection`: past that it closes). Event-loop confined (not `Sendable`).
public final class CQLConnectionHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Receives one line per notable connection event (refusals, protocol errors), for the
    /// node's log. Called on the event loop; must be cheap.
    public typealias Log = @Sendable (_ message: String) -> Void

    private var machine: ConnectionStateMachine
    private let requestHandler: any CQLRequestHandler
    private let registry: CQLConnectionRegistry
    private let events: CQLEventBroadcaster?
    private let log: Log
    private var eventBacklog: CQLEventBacklog
    private var subscribedEvents: Set<ProtocolEventType> = []
    private var connectionInfo = CQLConnectionInfo(connectionID: 0)
    private var admitted = false
    private var announcedStartup = false
    private var readPendingUntilWritable = false
    private var flushScheduled = false
    /// Set while inbound bytes are handled: responses written then wait for `channelReadComplete`.
    private var reading = false
    private var flushPendingAfterRead = false
    /// Answers not yet written, gathered in one buffer: one allocation and one write per
    /// flush rather than one per answer.
    private var pendingAnswers: ByteBuffer?
    private var executor: EventLoopTaskExecutor?

    /// Creates the handler of one connection.
    /// `events`: where the connection subscribes once the client REGISTERs (nil: no pushes).
    public init(configuration: CQLServerConfiguration, requestHandler: any CQLRequestHandler,
                registry: CQLConnectionRegistry, events: CQLEventBroadcaster? = nil, log: @escaping Log = { _ in }) {
        self.machine = ConnectionStateMachine(configuration: configuration)
        self.requestHandler = requestHandler
        self.registry = registry
        self.events = events
        self.eventBacklog = CQLEventBacklog(limitBytes: configuration.maxPendingEventBytesPerConnection)
        self.log = log
    }

    /// Adds a new handler to `channel`'s pipeline; call from the channel initializer (on the
    /// channel's event loop).
    public static func install(on channel: any Channel, configuration: CQLServerConfiguration,
                               requestHandler: any CQLRequestHandler, registry: CQLConnectionRegistry,
                               events: CQLEventBroadcaster? = nil, log: @escaping Log = { _ in }) throws {
        let handler = CQLConnectionHandler(configuration: configuration, requestHandler: requestHandler,
                                           registry: registry, events: events, log: log)
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    // MARK: Channel events

    public func channelActive(context: ChannelHandlerContext) {
        guard let connectionID = registry.admit() else {
            log("refusing CQL connection from \(context.remoteAddress?.description ?? "?"): "
                + "\(registry.maxConnections) connections are open")
            machine.connectionClosed()
            context.close(promise: nil)
            return
        }
        admitted = true
        connectionInfo = CQLConnectionInfo(connectionID: connectionID,
                                           remoteAddress: context.remoteAddress?.description)
        context.fireChannelActive()
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        executor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted else { return }
        reading = true
        defer { reading = false }
        var actions = machine.bytesReceived(unwrapInboundIn(data))
        if machine.isReady && !announcedStartup {
            announcedStartup = true
            connectionInfo.startupOptions = machine.startupOptions
        }
        perform(&actions, context: context)
        subscribeIfRegistered(context: context)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if flushPendingAfterRead {
            flushPendingAfterRead = false
            writePendingAnswers(context: context)
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        machine.connectionClosed()
        unsubscribe()
        if admitted {
            admitted = false
            registry.release()
            if announcedStartup {
                let handler = requestHandler
                let info = connectionInfo
                Task { await handler.connectionClosed(info) }
            }
        }
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        unsubscribe()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        log("CQL connection \(connectionInfo.connectionID) failed: \(error)")
        machine.connectionClosed()
        context.close(promise: nil)
    }

    // MARK: Backpressure

    public func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readPendingUntilWritable = true
        }
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && readPendingUntilWritable {
            readPendingUntilWritable = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Events

    /// Subscribes to the broadcaster when REGISTER added event types this connection has not
    /// subscribed for yet. The delivery holds the handler until `unsubscribe`.
    private func subscribeIfRegistered(context: ChannelHandlerContext) {
        guard let events, admitted, !machine.isClosed, machine.registeredEvents != subscribedEvents else { return }
        subscribedEvents = machine.registeredEvents
        let eventLoop = context.eventLoop
        let target = NIOLoopBound((handler: self, context: context), eventLoop: eventLoop)
        events.subscribe(connectionID: connectionInfo.connectionID, types: subscribedEvents) { event in
            eventLoop.execute { target.value.handler.push(event, context: target.value.context) }
        }
    }

    private func unsubscribe() {
        guard !subscribedEvents.isEmpty else { return }
        subscribedEvents = []
        events?.unsubscribe(connectionID: connectionInfo.connectionID)
    }

    /// Writes one EVENT (on the loop), or closes the connection when the client has left too
    /// many unwritten.
    private func push(_ event: ProtocolEvent, context: ChannelHandlerContext) {
        guard admitted, let frame = machine.eventFrame(event) else { return }
        let sizeBytes = frame.readableBytes
        guard eventBacklog.admit(sizeBytes) else {
            log("closing CQL connection \(connectionInfo.connectionID): \(eventBacklog.pendingBytes) bytes of "
                + "events are not written yet (the client does not read)")
            unsubscribe()
            machine.connectionClosed()
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            self.eventBacklog.written(sizeBytes)
        }
    }

    // MARK: Actions

    /// Performs `actions`, emptying its `dispatch` (each request is moved out to run).
    private func perform(_ actions: inout ConnectionActions, context: ChannelHandlerContext) {
        if actions.output != nil || actions.close { writePendingAnswers(context: context) }
        if let output = actions.output {
            let written = context.writeAndFlush(wrapOutboundOut(output))
            if actions.close {
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        } else if actions.close {
            context.close(promise: nil)
        }
        if actions.close {
            log("closing CQL connection \(connectionInfo.connectionID) after a protocol error")
        }
        // Moved out of the array, not copied: a for-in loop or a subscript copied each request
        // (counting every reference it holds, about six per request). Reversed through the
        // buffer, whose swaps move; the array's own `reverse()` copied (3 retains a request).
        actions.dispatch.withUnsafeMutableBufferPointer { $0.reverse() }
        while let request = actions.dispatch.popLast() { run(request, context: context) }
    }

    /// Flushes the gathered answers once the loop has run the tasks already queued, or at
    /// the end of the current read: the responses of many requests in flight on one
    /// connection that complete together leave in one write(2) instead of one each (a sixth
    /// of a node's CPU went to per-response writes, perf).
    private func scheduleFlush(context: ChannelHandlerContext) {
        if reading {
            flushPendingAfterRead = true
            return
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.writePendingAnswers(context: context)
            context.flush()
        }
    }

    /// Hands the gathered answers to the channel (unflushed).
    private func writePendingAnswers(context: ChannelHandlerContext) {
        guard let answers = pendingAnswers else { return }
        pendingAnswers = nil
        if answers.readableBytes > 0 { context.write(wrapOutboundOut(answers), promise: nil) }
    }

    /// Runs one request on the handler, on this connection's loop, starting at once: answered
    /// in place when the handler can (`respondAtOnce`), else in a task.
    private func run(_ request: consuming DispatchedRequest, context: ChannelHandlerContext) {
        if let response = requestHandler.respondAtOnce(to: request.message, context: connectionInfo) {
            answer(request.streamID, response, context: context)
            return
        }
        let handler = requestHandler
        let info = connectionInfo
        let message = request.message
        let streamID = request.streamID
        let loop = context.eventLoop
        let target = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        Task.immediate(executorPreference: executor) {
            let response = await handler.respond(to: message, context: info)
            // The task prefers the loop, so it normally ends there; a handler that hopped
            // to an actor may end elsewhere.
            if loop.inEventLoop {
                target.value.handler.answer(streamID, response, context: target.value.context)
            } else {
                loop.execute { target.value.handler.answer(streamID, response, context: target.value.context) }
            }
        }
    }

    private func answer(_ streamID: Int16, _ response: CQLResponse, context: ChannelHandlerContext) {
        if pendingAnswers == nil { pendingAnswers = context.channel.allocator.buffer(capacity: Self.answerBufferBytes) }
        machine.responseReady(streamID: streamID, response: response.message, warnings: response.warnings,
                              customPayload: response.customPayload, appendingTo: &pendingAnswers!)
        scheduleFlush(context: context)
    }

    /// The first capacity of the answers buffer: the answers to a read's worth of small
    /// requests without growing it.
    private static let answerBufferBytes = 4096
}
