import CQL
import NIOCore

/// The channel handler of one client connection: assigns stream ids, encodes requests,
/// splits and decodes response frames, and completes each request's promise.
///
/// Up to `maxStreams` requests are in flight; more wait in a queue of at most `maxQueued`
/// (beyond that a request fails at once). A request that times out fails with `.timeout`,
/// but its stream id stays reserved until the late response arrives, so a reused id is never
/// confused with an old one. When the channel closes every pending and queued request fails
/// with `.connectionClosed`; so does the connection once more than half its ids wait
/// for responses that timed out. Compression is switched on when the READY answering a STARTUP
/// that asked for it arrives. Server-pushed events (negative stream ids) are ignored.
/// Event-loop confined (not `Sendable`).
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ClientRequest
    typealias OutboundOut = ByteBuffer

    private struct InFlight {
        let promise: EventLoopPromise<DecodedResponse>
        let timeout: Scheduled<Void>?
        /// The compression a STARTUP asked for, switched on when its READY arrives.
        let compressionOnReady: FrameCompression?
    }

    private let hostDescription: String
    private let load: ConnectionLoad
    private let maxQueued: Int
    private var streams: StreamIDPool
    private var frameDecoder: FrameDecoder
    private var responseDecoder: ResponseDecoder
    private var encoder = FrameEncoder()
    private var inbound = ByteBuffer()
    private var pending: [Int16: InFlight] = [:]
    private var orphaned: Set<Int16> = []
    private var waiting = CircularBuffer<ClientRequest>()
    private var closedReason: String?
    private var flushScheduled = false

    /// Creates the handler of a connection to `hostDescription` (used in errors).
    init(hostDescription: String, load: ConnectionLoad, maxStreams: Int, maxQueued: Int, limits: ProtocolLimits) {
        self.hostDescription = hostDescription
        self.load = load
        self.maxQueued = maxQueued
        self.streams = StreamIDPool(capacity: maxStreams)
        self.frameDecoder = FrameDecoder(limits: limits, direction: .responses)
        self.responseDecoder = ResponseDecoder(limits: limits)
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed()
        if let closedReason {
            request.promise.fail(KVClientError.connectionClosed(host: hostDescription, reason: closedReason))
            return
        }
        load.increment()
        guard let id = streams.acquire() else {
            enqueue(request)
            return
        }
        send(request, streamID: id, context: context)
    }

    /// Flushes once the loop has run the tasks already queued, so requests that many tasks
    /// send at once on this connection leave in one write(2) rather than one each.
    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            context.flush()
        }
    }

    private func enqueue(_ request: ClientRequest) {
        guard waiting.count < maxQueued else {
            load.decrement()
            request.promise.fail(KVClientError.protocolError(
                "\(hostDescription): \(streams.capacity) requests in flight and \(maxQueued) queued on one connection"))
            return
        }
        waiting.append(request)
    }

    private func send(_ request: ClientRequest, streamID: Int16, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        encoder.encodeRequest(request.message, streamID: streamID, into: &buffer)
        var compressionOnReady: FrameCompression?
        if case .startup(let options) = request.message {
            compressionOnReady = try? FrameCompression.negotiate(options)
        }
        let timeout = scheduleTimeout(streamID: streamID, timeoutMs: request.timeoutMs, context: context)
        pending[streamID] = InFlight(promise: request.promise, timeout: timeout, compressionOnReady: compressionOnReady)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    private func scheduleTimeout(streamID: Int16, timeoutMs: Int64, context: ChannelHandlerContext) -> Scheduled<Void>? {
        guard timeoutMs > 0 else { return nil }
        return context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(timeoutMs)) {
            self.timedOut(streamID: streamID, timeoutMs: timeoutMs, context: context)
        }
    }

    private func timedOut(streamID: Int16, timeoutMs: Int64, context: ChannelHandlerContext) {
        guard let entry = pending.removeValue(forKey: streamID) else { return }
        orphaned.insert(streamID)
        load.decrement()
        entry.promise.fail(KVClientError.timeout(host: hostDescription, timeoutMs: timeoutMs))
        // Ids of requests that never got an answer stay reserved; once half are gone the
        // node is not answering this connection, so start afresh with a new one.
        if orphaned.count > streams.capacity / 2 {
            fail(reason: "\(orphaned.count) requests timed out without a response", context: context)
        }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
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
        drainWaiting(context: context)
        context.flush()
    }

    private func handle(_ frame: ProtocolFrame, context: ChannelHandlerContext) {
        let streamID = frame.header.streamID
        guard streamID >= 0 else { return }
        if orphaned.remove(streamID) != nil {
            streams.release(streamID)
            return
        }
        guard let entry = pending.removeValue(forKey: streamID) else {
            fail(reason: "response on stream \(streamID), which has no request", context: context)
            return
        }
        entry.timeout?.cancel()
        streams.release(streamID)
        load.decrement()
        do {
            let response = try responseDecoder.decode(frame)
            if case .ready = response.message, let compression = entry.compressionOnReady {
                encoder.compression = compression
                responseDecoder.compression = compression
            }
            entry.promise.succeed(response)
        } catch {
            entry.promise.fail(KVClientError.protocolError("\(hostDescription): \(error.clientMessage)"))
        }
    }

    private func drainWaiting(context: ChannelHandlerContext) {
        while closedReason == nil, !waiting.isEmpty, let id = streams.acquire() {
            send(waiting.removeFirst(), streamID: id, context: context)
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

    private func failAll(reason: String) {
        if closedReason == nil { closedReason = reason }
        let error = KVClientError.connectionClosed(host: hostDescription, reason: closedReason!)
        let entries = pending.values
        pending.removeAll()
        for entry in entries {
            entry.timeout?.cancel()
            load.decrement()
            entry.promise.fail(error)
        }
        while let request = waiting.popFirst() {
            load.decrement()
            request.promise.fail(error)
        }
    }
}
