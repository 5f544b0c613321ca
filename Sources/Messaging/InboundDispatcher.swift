import NIOCore

/// Runs inbound requests and one-way messages through the verb's handler, each in a task
/// of the transport's `InboundTaskSet`, and writes a request's answer back on the channel it
/// came in on. Refusals (no handler, too many running) are counted, and a refused request
/// gets an error response at once. Thread-safe.
struct InboundDispatcher: Sendable {
    /// Handlers, task set, counters and the node's address for answers.
    let transport: TransportContext

    /// Handles `frame` (a request or one-way message) that arrived on `channel`.
    func dispatch(_ frame: Frame, replyingOn channel: Channel) {
        let message = InboundMessage(
            verb: frame.verb, payload: frame.payload, from: frame.sender, expectsReply: frame.kind == .request)
        guard let handler = transport.handlers.handler(for: frame.verb) else {
            return refuse(frame, reason: "no handler for verb \(frame.verb)", on: channel)
        }
        let transport = self.transport
        let started = transport.inboundTasks.start {
            guard let reply = await handler(message), message.expectsReply, !Task.isCancelled else { return }
            channel.writeAndFlush(Self.answer(to: frame, with: reply, transport: transport), promise: nil)
        }
        if !started { refuse(frame, reason: "overloaded: too many inbound messages in progress", on: channel) }
    }

    private func refuse(_ frame: Frame, reason: String, on channel: Channel) {
        transport.counters.droppedInboundMessages.wrappingAdd(1, ordering: .relaxed)
        transport.logger.debug("refused inbound \(frame.verb) from \(frame.sender): \(reason)")
        guard frame.kind == .request else { return }
        let bytes = transport.encode(
            kind: .errorResponse, verb: frame.verb, requestID: frame.requestID, payload: Array(reason.utf8))
        channel.writeAndFlush(bytes, promise: nil)
    }

    /// The encoded answer to request `frame`; a reply too large for a frame becomes an error.
    private static func answer(to frame: Frame, with reply: Reply, transport: TransportContext) -> ByteBuffer {
        var kind = FrameKind.response
        var payload: [UInt8]
        switch reply {
        case .success(let bytes): payload = bytes
        case .failure(let message):
            kind = .errorResponse
            payload = Array(message.utf8)
        }
        if payload.count > transport.maxPayloadSizeBytes {
            kind = .errorResponse
            payload = Array("reply of \(payload.count) bytes exceeds the frame limit".utf8)
        }
        return transport.encode(kind: kind, verb: frame.verb, requestID: frame.requestID, payload: payload)
    }
}
