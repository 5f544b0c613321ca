import NIOCore

/// The last handler of an accepted (inbound) channel: passes requests and one-way messages
/// to the `InboundDispatcher`, closes the connection on a bad frame or an answer frame
/// (answers travel only on the requester's own connection), and forgets the channel when it
/// closes. Runs on the channel's event loop only.
final class InboundChannelHandler: ChannelInboundHandler {
    /// Frames from the `FrameDecoder` before this handler.
    typealias InboundIn = Frame

    private let dispatcher: InboundDispatcher
    private let channels: ChannelSet

    /// A handler dispatching to `dispatcher`; the channel is already in `channels`.
    init(dispatcher: InboundDispatcher, channels: ChannelSet) {
        self.dispatcher = dispatcher
        self.channels = channels
    }

    /// Routes one frame, or closes the connection if it does not belong here.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard !frame.kind.isAnswer else {
            let reason = "\(frame.kind) frame from \(frame.sender) on an inbound connection"
            ConnectionErrorPolicy.reject(context, reason: reason, transport: dispatcher.transport)
            return
        }
        dispatcher.dispatch(frame, replyingOn: context.channel)
    }

    /// Forgets the closed channel.
    func channelInactive(context: ChannelHandlerContext) {
        channels.remove(context.channel)
        context.fireChannelInactive()
    }

    /// Closes the connection; see `ConnectionErrorPolicy`.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        ConnectionErrorPolicy.handle(error, channelContext: context, transport: dispatcher.transport)
    }
}
