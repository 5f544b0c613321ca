import CQL
import Logging
import NIOCore
import NIOPosix

/// The CQL native-protocol (v4) listener on `native_address:native_port`: one
/// `CQLConnectionHandler` per accepted connection, at most `maxConnections` at once.
final class NativeServer: Sendable {
    private let channel: any Channel
    /// The server's open-connection count (for status and tests).
    let registry: CQLConnectionRegistry
    /// Pushes EVENTs to the connections that REGISTERed (see `ClientEventPublisher`).
    let events: CQLEventBroadcaster

    /// Binds `host:port`.
    /// - Throws: `ConfigurationError` naming the address when it cannot be bound (port in use).
    static func start(host: String, port: Int, group: any EventLoopGroup, logger: Logger,
                      configuration: CQLServerConfiguration = .default,
                      requestHandler: any CQLRequestHandler) async throws -> NativeServer {
        let registry = CQLConnectionRegistry(maxConnections: configuration.maxConnections)
        let events = CQLEventBroadcaster()
        let log: CQLConnectionHandler.Log = { message in logger.debug("\(message)") }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try CQLConnectionHandler.install(on: channel, configuration: configuration,
                                                     requestHandler: requestHandler, registry: registry, events: events,
                                                     log: log)
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            logger.info("CQL native protocol v4 listening on \(host):\(port)")
            return NativeServer(channel: channel, registry: registry, events: events)
        } catch {
            throw ConfigurationError(description: "native_address/native_port: cannot listen on \(host):\(port): \(error)")
        }
    }

    private init(channel: any Channel, registry: CQLConnectionRegistry, events: CQLEventBroadcaster) {
        self.channel = channel
        self.registry = registry
        self.events = events
    }

    /// Stops accepting connections (open ones close with the event loop group).
    func close() async { try? await channel.close() }
}
