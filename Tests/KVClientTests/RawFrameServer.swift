import CQL
import NIOCore
import NIOPosix

/// A CQL server on 127.0.0.1 (an ephemeral port) that writes its response frames by hand, so
/// a test can put in them what our server does not send yet: warnings together with a custom
/// payload, in the order the v4 spec gives (tracing id, warnings, custom payload, body).
/// No compression; every request is answered by `script`.
final class RawFrameServer: Sendable {
    /// What to answer one request with.
    struct Answer: Sendable {
        var message: ResponseMessage
        var warnings: [String] = []
        var customPayload: [String: [UInt8]?]?
    }

    typealias Script = @Sendable (RequestMessage) -> Answer

    let channel: any Channel
    /// `host:port` of the server.
    var address: String { "127.0.0.1:\(channel.localAddress!.port!)" }

    private init(channel: any Channel) { self.channel = channel }

    /// Starts a server answering with `script` (STARTUP is answered READY before it).
    static func start(_ script: @escaping Script) async throws -> RawFrameServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(RawFrameHandler(script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawFrameServer(channel: channel)
    }

    /// Closes the listening socket.
    func stop() async { try? await channel.close() }

    /// The bytes of a v4 response frame: header, then the envelope fields the flags announce.
    static func frame(_ answer: Answer, streamID: Int16) -> ByteBuffer {
        var flags: FrameFlags = []
        var body = ByteBuffer()
        if !answer.warnings.isEmpty {
            flags.insert(.warning)
            body.writeProtocolStringList(answer.warnings)
        }
        if let payload = answer.customPayload {
            flags.insert(.customPayload)
            body.writeProtocolBytesMap(payload)
        }
        answer.message.writeBody(into: &body)
        var header = FrameHeader(isResponse: true, flags: flags, streamID: streamID, opcode: answer.message.opcode)
        header.bodyLengthBytes = Int32(body.readableBytes)
        var output = ByteBuffer()
        header.write(into: &output)
        output.writeImmutableBuffer(body)
        return output
    }
}

/// Splits request frames and answers each one at once.
private final class RawFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: RawFrameServer.Script
    private var frameDecoder = FrameDecoder(direction: .requests)
    private let requestDecoder = RequestDecoder()
    private var inbound = ByteBuffer()

    init(script: @escaping RawFrameServer.Script) { self.script = script }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
        while let frame = try? frameDecoder.decodeFrame(from: &inbound),
              let request = try? requestDecoder.decode(frame) {
            let answer: RawFrameServer.Answer
            if case .startup = request.message { answer = .init(message: .ready) } else { answer = script(request.message) }
            context.write(wrapOutboundOut(RawFrameServer.frame(answer, streamID: request.streamID)), promise: nil)
        }
        inbound.discardReadBytes()
        context.flush()
    }
}
