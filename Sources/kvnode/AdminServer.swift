import Logging
import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 endpoint on the admin port for `kvcli status` and health checks:
/// `GET /status` answers the node's view of the cluster as JSON; `GET /health` answers ok.
/// One request per connection; requests over `maxRequestBytes` are refused.
final class AdminServer: Sendable {
    static let maxRequestBytes = 8 * 1024
    private let channel: any Channel

    /// Binds `host:port`. `route(path)` answers a GET: (status code, JSON body).
    static func start(host: String, port: Int, group: any EventLoopGroup, logger: Logger,
                      route: @escaping @Sendable (String) -> (Int, String)) async throws -> AdminServer {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AdminRequestHandler(route: route))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            logger.info("admin HTTP listening on \(host):\(port)")
            return AdminServer(channel: channel)
        } catch {
            throw ConfigurationError(description: "admin_port: cannot listen on \(host):\(port): \(error)")
        }
    }

    private init(channel: any Channel) { self.channel = channel }

    func close() async { try? await channel.close() }
}

/// Reads one request head, answers it and closes the connection.
private final class AdminRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var request = ByteBuffer()
    private let route: @Sendable (String) -> (Int, String)

    init(route: @escaping @Sendable (String) -> (Int, String)) { self.route = route }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        request.writeBuffer(&chunk)
        guard let text = request.getString(at: request.readerIndex, length: request.readableBytes) else { return }
        if text.contains("\r\n\r\n") || text.contains("\n\n") {
            respond(context: context, requestHead: text)
        } else if request.readableBytes > AdminServer.maxRequestBytes {
            write(context: context, status: 431, body: "{\"error\":\"request header too large\"}")
        }
    }

    private func respond(context: ChannelHandlerContext, requestHead: String) {
        let line = requestHead.split(separator: "\n").first.map(String.init) ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0] == "GET" else {
            write(context: context, status: 405, body: "{\"error\":\"only GET is supported\"}")
            return
        }
        let (status, body) = route(String(parts[1]))
        write(context: context, status: status, body: body)
    }

    private func write(context: ChannelHandlerContext, status: Int, body: String) {
        let reason = [200: "OK", 404: "Not Found", 405: "Method Not Allowed", 431: "Request Header Fields Too Large"][status] ?? "Error"
        let bodyBytes = Array(body.utf8)
        var buffer = context.channel.allocator.buffer(capacity: bodyBytes.count + 128)
        buffer.writeString("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\n")
        buffer.writeString("Content-Length: \(bodyBytes.count)\r\nConnection: close\r\n\r\n")
        buffer.writeBytes(bodyBytes)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
