import NIOCore

/// The last handler of an outbound channel: hands answers to its `PeerConnection`, reports
/// writability, and closes the connection on a bad frame or on a frame that does not belong
/// on an outbound link (a request). Runs on the channel's event loop only.
final class PeerChannelHandler: ChannelInboundHandler {
    /// Frames from the `FrameDecoder` before this handler.
    typealias InboundIn = Frame

    private let connection: PeerConnection
    private let transport: TransportContext

    /// A handler feeding `connection`, whose loop the channel must share.
    init(connection: PeerConnection, transport: TransportContext) {
        self.connection = connection
        self.transport = transport
    }

    /// Routes one frame, or closes the connection if it does not belong here.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.kind.isAnswer else {
            let reason = "\(frame.kind) frame on an outbound connection to \(connection.peer)"
            ConnectionErrorPolicy.reject(context, reason: reason, transport: transport)
            return
        }
        connection.receive(frame)
    }

    /// Lets the link write its queue once the socket drains.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection.writabilityChanged() }
        context.fireChannelWritabilityChanged()
    }

    /// Closes the connection; see `ConnectionErrorPolicy`.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        ConnectionErrorPolicy.handle(error, channelContext: context, transport: transport)
    }
}
