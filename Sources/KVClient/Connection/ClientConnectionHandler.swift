import CQL
import NIOCore

/// The channel handler of one client connection: assigns stream ids, encodes requests,
/// splits and decodes response frames, and completes each request.
///
/// `ClientConnection` hands requests to `submit` on the connection's event loop, not through
/// the pipeline (no write promise per request). Requests encoded while the loop runs its
/// queued tasks share one buffer and leave in one write(2) when the flush scheduled behind
/// those tasks runs.
///
/// Up to `maxStreams` requests are in flight; more wait in a queue of at most `maxQueued`
/// (beyond that a request fails at once). Timeouts are checked by one sweep per connection
/// every `sweepIntervalMs` rather than a timer per request, so a request fails with
/// `.timeout` between its timeout and its timeout plus the sweep interval (a request sent
/// by a completion inside a read counts from the read's start, microseconds earlier). Its stream id
/// stays reserved until the late response arrives, so a reused id is never confused with an
/// old one. When the channel closes every pending and queued request fails with
/// `.connectionClosed`; so does the connection once more than half its ids wait for
/// responses that timed out. Compression is switched on when the READY answering a STARTUP
/// that asked for it arrives. Server-pushed events (negative stream ids) are ignored.
/// Event-loop confined (not `Sendable`).
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let hostDescription: String
    private let load: ConnectionLoad
    private let maxQueued: Int
    private let sweepIntervalMs: Int64
    private var streams: StreamIDPool
    private var frameDecoder: FrameDecoder
    private var responseDecoder: ResponseDecoder
    private var encoder = FrameEncoder()
    private var inbound = ByteBuffer()
    private var outbound = ByteBuffer()
    private var inFlight = InFlightTable()
    private var waiting = CircularBuffer<ClientRequest>()
    private var context: ChannelHandlerContext?
    private var sweep: Scheduled<Void>?
    private var closedReason: String?
    private var flushScheduled = false
    /// True while `channelRead` runs: requests its completions send are flushed when it ends.
    private var isReading = false
    /// When the running `channelRead` started (`NIODeadline` uptime ns): the send time of the
    /// requests its completions send, which leave within that read (one clock read a read,
    /// not one a request).
    private var readStartNs: UInt64 = 0

    /// Creates the handler of a connection to `hostDescription` (used in errors).
    init(hostDescription: String, load: ConnectionLoad, maxStreams: Int, maxQueued: Int, sweepIntervalMs: Int64,
         limits: ProtocolLimits) {
        self.hostDescription = hostDescription
        self.load = load
        self.maxQueued = maxQueued
        self.sweepIntervalMs = max(1, sweepIntervalMs)
        self.streams = StreamIDPool(capacity: maxStreams)
        self.frameDecoder = FrameDecoder(limits: limits, direction: .responses)
        self.responseDecoder = ResponseDecoder(limits: limits)
    }

    /// The sweep interval for timeouts of `timeoutsMs` (those of 0 or less never expire): a
    /// tenth of the shortest, between 1 and 100 ms.
    static func sweepIntervalMs(forTimeoutsMs timeoutsMs: [Int64]) -> Int64 {
        let shortest = timeoutsMs.filter { $0 > 0 }.min() ?? 1000
        return min(100, max(1, shortest / 10))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        outbound = context.channel.allocator.buffer(capacity: 1024)
        scheduleSweep(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(reason: closedReason ?? "connection closed")
        self.context = nil
    }

    // MARK: Outbound

    /// Sends `message`, whose outcome goes to `completion`, or queues it (a copy) while every
    /// stream id is in use. `timeoutMs` as in `ClientRequest`.
    func submit(_ message: RequestMessage, completion: ResponseCompletion, timeoutMs: Int64) {
        switch admit(completion) {
        case .refused: return
        case .wait: enqueue(ClientRequest(body: .message(message), completion: completion, timeoutMs: timeoutMs))
        case .send(let streamID, let context):
            send(message, completion: completion, timeoutMs: timeoutMs, streamID: streamID)
            scheduleFlush(context: context)
        }
    }

    /// Sends `request`, or queues it while every stream id is in use.
    func submit(_ request: ClientRequest) {
        switch admit(request.completion) {
        case .refused: return
        case .wait: enqueue(request)
        case .send(let streamID, let context):
            send(request, streamID: streamID)
            scheduleFlush(context: context)
        }
    }

    /// Sends an EXECUTE of prepared statement `id` with `values` by position, encoded
    /// straight into the outbound buffer, when a stream id is free now. Returns false,
    /// sending nothing and leaving `completion` uncalled, when none is or the connection is
    /// closed: the caller then takes the general path. `timeoutMs` as in `ClientRequest`.
    func submitExecute(id: [UInt8], consistency: ProtocolConsistency, values: [ProtocolValue], skipMetadata: Bool,
                       completion: ResponseCompletion, timeoutMs: Int64) -> Bool {
        guard closedReason == nil, let context, let streamID = streams.acquire() else { return false }
        load.increment()
        encoder.encodeExecute(streamID: streamID, id: id, consistency: consistency, values: values,
                              skipMetadata: skipMetadata, into: &outbound)
        inFlight.insert(InFlightTable.Entry(completion: completion, deadlineNs: deadline(timeoutMs), timeoutMs: timeoutMs,
                                            compressionOnReady: nil),
                        streamID: streamID)
        scheduleFlush(context: context)
        return true
    }

    /// What becomes of a request handed to `submit`.
    private enum Admission {
        /// Sent now, under this id.
        case send(streamID: Int16, context: ChannelHandlerContext)
        /// Queued until an id is free.
        case wait
        /// Failed: the connection is closed.
        case refused
    }

    /// Counts a request in, with its stream id when one is free; fails it when the
    /// connection is closed.
    private func admit(_ completion: ResponseCompletion) -> Admission {
        guard closedReason == nil, let context else {
            completion.fail(.connectionClosed(host: hostDescription, reason: closedReason ?? "not open"))
            return .refused
        }
        load.increment()
        guard let id = streams.acquire() else { return .wait }
        return .send(streamID: id, context: context)
    }

    /// Flushes once the loop has run the tasks already queued, so requests that many tasks
    /// send at once on this connection leave in one write(2) rather than one each.
    /// Requests that a response's completion sends from inside `channelRead` leave in the
    /// flush that ends it (no task scheduled).
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled, !isReading else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flushOutbound(context: context)
        }
    }

    /// Writes the requests encoded since the last flush. The buffer is reused when the
    /// socket took it at once (NIO then no longer holds it).
    private func flushOutbound(context: ChannelHandlerContext) {
        guard outbound.readableBytes > 0, closedReason == nil else { return }
        context.writeAndFlush(wrapOutboundOut(outbound), promise: nil)
        outbound.clear()
    }

    private func enqueue(_ request: ClientRequest) {
        guard waiting.count < maxQueued else {
            load.decrement()
            request.completion.fail(.protocolError(
                "\(hostDescription): \(streams.capacity) requests in flight and \(maxQueued) queued on one connection"))
            return
        }
        waiting.append(request)
    }

    private func send(_ request: ClientRequest, streamID: Int16) {
        switch request.body {
        case .message(let message):
            send(message, completion: request.completion, timeoutMs: request.timeoutMs, streamID: streamID)
        case .execute(let body):
            encoder.encodeRequest(opcode: .execute, streamID: streamID, body: body, into: &outbound)
            inFlight.insert(InFlightTable.Entry(completion: request.completion, deadlineNs: deadline(request.timeoutMs),
                                                timeoutMs: request.timeoutMs, compressionOnReady: nil),
                            streamID: streamID)
        }
    }

    private func send(_ message: RequestMessage, completion: ResponseCompletion, timeoutMs: Int64,
                      streamID: Int16) {
        encoder.encodeRequest(message, streamID: streamID, into: &outbound)
        var compressionOnReady: FrameCompression?
        // The opcode first: matching the case of every request copied the message.
        if message.opcode == .startup, case .startup(let options) = message {
            compressionOnReady = try? FrameCompression.negotiate(options)
        }
        inFlight.insert(InFlightTable.Entry(completion: completion, deadlineNs: deadline(timeoutMs),
                                            timeoutMs: timeoutMs, compressionOnReady: compressionOnReady),
                        streamID: streamID)
    }

    private func deadline(_ timeoutMs: Int64) -> UInt64 {
        guard timeoutMs > 0 else { return .max }
        let nowNs = isReading ? readStartNs : NIODeadline.now().uptimeNanoseconds
        return nowNs + UInt64(timeoutMs) * 1_000_000
    }

    // MARK: Timeouts

    private func scheduleSweep(context: ChannelHandlerContext) {
        sweep = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(sweepIntervalMs)) {
            self.sweepTimeouts(context: context)
        }
    }

    /// Fails the requests past their deadline, then checks again one interval later.
    private func sweepTimeouts(context: ChannelHandlerContext) {
        guard closedReason == nil else { return }
        for entry in inFlight.expire(nowNs: NIODeadline.now().uptimeNanoseconds) {
            load.decrement()
            entry.completion.fail(.timeout(host: hostDescription, timeoutMs: entry.timeoutMs))
        }
        // Ids of requests that never got an answer stay reserved; once half are gone the
        // node is not answering this connection, so start afresh with a new one.
        if inFlight.orphanedCount > streams.capacity / 2 {
            fail(reason: "\(inFlight.orphanedCount) requests timed out without a response", context: context)
            return
        }
        scheduleSweep(context: context)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
        isReading = true
        readStartNs = NIODeadline.now().uptimeNanoseconds
        defer { isReading = false }
        while closedReason == nil {
            let frame: ProtocolFrame?
            do {
                frame = try frameDecoder.decodeFrame(from: &inbound)
            } catch {
                fail(reason: "undecodable frame: \(error.clientMessage)", context: context)
                return
            }
            guard let frame else { break }
            handle(frame, context: context)
        }
        inbound.discardReadBytes()
        drainWaiting()
        flushOutbound(context: context)
    }

    private func handle(_ frame: ProtocolFrame, context: ChannelHandlerContext) {
        let streamID = frame.header.streamID
        guard streamID >= 0 else { return }
        let entry: InFlightTable.Entry
        switch inFlight.answer(streamID: streamID) {
        case .waiting(let waiting): entry = waiting
        case .orphaned:
            streams.release(streamID)
            return
        case .unknown:
            fail(reason: "response on stream \(streamID), which has no request", context: context)
            return
        }
        streams.release(streamID)
        load.decrement()
        // A lane's EXECUTE reads what it needs straight from the frame.
        switch entry.completion {
        case .lane(let execution): return execution.receive(frame, decoder: responseDecoder)
        case .direct(let execution): return execution.receive(frame, decoder: responseDecoder)
        default: break
        }
        do {
            let response = try responseDecoder.decode(frame)
            if case .ready = response.message, let compression = entry.compressionOnReady {
                encoder.compression = compression
                responseDecoder.compression = compression
            }
            entry.completion.succeed(response)
        } catch {
            entry.completion.fail(.protocolError("\(hostDescription): \(error.clientMessage)"))
        }
    }

    private func drainWaiting() {
        while closedReason == nil, !waiting.isEmpty, let id = streams.acquire() {
            send(waiting.removeFirst(), streamID: id)
        }
    }

    // MARK: Closing

    func channelInactive(context: ChannelHandlerContext) {
        failAll(reason: closedReason ?? "closed by the server")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(reason: "\(error)", context: context)
    }

    private func fail(reason: String, context: ChannelHandlerContext) {
        failAll(reason: reason)
        context.close(promise: nil)
    }

    /// Fails every pending and queued request and stops the timeout sweep (once).
    private func failAll(reason: String) {
        if closedReason == nil { closedReason = reason }
        sweep?.cancel()
        sweep = nil
        let error = KVClientError.connectionClosed(host: hostDescription, reason: closedReason!)
        for entry in inFlight.removeAllWaiting() {
            load.decrement()
            entry.completion.fail(error)
        }
        while let request = waiting.popFirst() {
            load.decrement()
            request.completion.fail(error)
        }
    }
}
