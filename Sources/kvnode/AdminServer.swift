import Logging
import NIOCore
import NIOPosix

/// One request to the admin port: its method (`GET`, `POST`, ...) and path. The body, if
/// any, is ignored.
struct AdminRequest: Sendable, Equatable {
    let method: String
    let path: String
}

/// The answer to an `AdminRequest`: an HTTP status code and a JSON body.
struct AdminResponse: Sendable, Equatable {
    let status: Int
    let body: String
}

/// A minimal HTTP/1.1 endpoint on the admin port for `kvcli status`, health checks and
/// maintenance (`kvcli cluster flush`/`compact`). The route decides what each method and
/// path means. One request per connection; requests over `maxRequestBytes` are refused.
final class AdminServer: Sendable {
    static let maxRequestBytes = 8 * 1024
    private let channel: any Channel

    /// Binds `host:port`. `route` answers each request; it runs as a task off the event loop,
    /// so it may take long (a compaction) without stopping the node's other admin requests.
    static func start(host: String, port: Int, group: any EventLoopGroup, logger: Logger,
                      route: @escaping @Sendable (AdminRequest) async -> AdminResponse) async throws -> AdminServer {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AdminRequestHandler(route: route))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            logger.info("admin HTTP listening on \(host):\(channel.localAddress?.port ?? port)")
            return AdminServer(channel: channel)
        } catch {
            throw ConfigurationError(description: "admin_port: cannot listen on \(host):\(port): \(error)")
        }
    }

    private init(channel: any Channel) { self.channel = channel }

    /// The port it listens on (the one the system chose when started with port 0).
    var port: Int? { channel.localAddress?.port }

    func close() async { try? await channel.close() }
}

/// Reads one request head, answers it and closes the connection.
private final class AdminRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var request = ByteBuffer()
    private var answering = false
    private let route: @Sendable (AdminRequest) async -> AdminResponse

    init(route: @escaping @Sendable (AdminRequest) async -> AdminResponse) { self.route = route }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        guard !answering else { return }  // a body after the head: not needed
        request.writeBuffer(&chunk)
        guard let text = request.getString(at: request.readerIndex, length: request.readableBytes) else { return }
        if text.contains("\r\n\r\n") || text.contains("\n\n") {
            respond(context: context, requestHead: text)
        } else if request.readableBytes > AdminServer.maxRequestBytes {
            answering = true
            write(context: context, status: 431, body: "{\"error\":\"request header too large\"}")
        }
    }

    /// Parses the request line and answers it once the route has (on the event loop).
    private func respond(context: ChannelHandlerContext, requestHead: String) {
        answering = true
        let line = requestHead.split(whereSeparator: \.isNewline).first ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else {
            write(context: context, status: 400, body: "{\"error\":\"malformed request line\"}")
            return
        }
        let route = self.route
        let request = AdminRequest(method: String(parts[0]), path: String(parts[1]))
        let response = context.eventLoop.makeFutureWithTask { await route(request) }
        response.assumeIsolated().whenSuccess { response in
            self.write(context: context, status: response.status, body: response.body)
        }
    }

    private func write(context: ChannelHandlerContext, status: Int, body: String) {
        let reason = [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
                      431: "Request Header Fields Too Large", 500: "Internal Server Error"][status] ?? "Error"
        let bodyBytes = Array(body.utf8)
        var buffer = context.channel.allocator.buffer(capacity: bodyBytes.count + 128)
        buffer.writeString("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\n")
        buffer.writeString("Content-Length: \(bodyBytes.count)\r\nConnection: close\r\n\r\n")
        buffer.writeBytes(bodyBytes)
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
