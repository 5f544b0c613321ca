import Logging
import NIOCore

/// What a connection does when its bytes or its peer misbehave: a bad frame or a protocol
/// violation is logged as a warning, counted and closes that connection only; any other
/// error (a reset, a broken pipe) closes it quietly. The node keeps running either way.
enum ConnectionErrorPolicy {
    /// Handles an error that reached the end of a pipeline.
    static func handle(_ error: any Error, channelContext: ChannelHandlerContext, transport: TransportContext) {
        if let frameError = error as? FrameError {
            reject(channelContext, reason: frameError.description, transport: transport)
        } else {
            transport.logger.debug(
                "closing connection after an I/O error",
                metadata: ["remote": "\(remoteDescription(channelContext))", "error": "\(error)"])
            channelContext.close(promise: nil)
        }
    }

    /// Logs, counts and closes a connection whose peer broke the protocol.
    static func reject(_ channelContext: ChannelHandlerContext, reason: String, transport: TransportContext) {
        transport.counters.rejectedConnections.wrappingAdd(1, ordering: .relaxed)
        transport.logger.warning(
            "closing connection: \(reason)", metadata: ["remote": "\(remoteDescription(channelContext))"])
        channelContext.close(promise: nil)
    }

    private static func remoteDescription(_ channelContext: ChannelHandlerContext) -> String {
        channelContext.remoteAddress.map { "\($0)" } ?? "unknown"
    }
}
