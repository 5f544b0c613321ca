import CQL
import KVClient
import KVCore
import NIOCore
import NIOPosix
import Synchronization

/// A CQL server on 127.0.0.1 (an ephemeral port) whose statements are answered by a closure:
/// the real `CQLConnectionHandler` with a scripted `CQLRequestHandler`.
final class TestServer: Sendable {
    typealias Script = @Sendable (RequestMessage, CQLConnectionInfo) async -> ResponseMessage

    let channel: any Channel
    let port: Int
    private let state: ServerState

    private init(channel: any Channel, state: ServerState) {
        self.channel = channel
        self.port = channel.localAddress!.port!
        self.state = state
    }

    /// The requests received so far, with the connection id each came on.
    var received: [(RequestMessage, UInt64)] { state.requests.withLock { $0 } }
    /// The requests received so far.
    var messages: [RequestMessage] { received.map(\.0) }
    /// `host:port` of the server.
    var address: String { "127.0.0.1:\(port)" }

    /// Starts a server answering with `script`.
    static func start(_ script: @escaping Script) async throws -> TestServer {
        let state = ServerState()
        let handler = ScriptedHandler(state: state, script: script)
        let registry = CQLConnectionRegistry(maxConnections: 64)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                state.children.withLock { $0.append(child) }
                return child.eventLoop.makeCompletedFuture {
                    try CQLConnectionHandler.install(on: child, configuration: .default, requestHandler: handler,
                                                     registry: registry)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestServer(channel: channel, state: state)
    }

    /// Closes every accepted connection (the listening socket stays open).
    func dropConnections() async {
        for child in state.children.withLock({ list in defer { list.removeAll() }; return list }) {
            try? await child.close()
        }
    }

    /// Closes the listening socket and every connection.
    func stop() async {
        try? await channel.close()
        await dropConnections()
    }
}

/// What a test server has seen.
private final class ServerState: Sendable {
    let children = Mutex<[any Channel]>([])
    let requests = Mutex<[(RequestMessage, UInt64)]>([])
}

private struct ScriptedHandler: CQLRequestHandler {
    let state: ServerState
    let script: TestServer.Script

    func handle(_ request: RequestMessage, context: CQLConnectionInfo) async -> ResponseMessage {
        state.requests.withLock { $0.append((request, context.connectionID)) }
        return await script(request, context)
    }
}

/// Builders of scripted responses.
enum Scripted {
    /// A Rows result of `columns` (name, type) in table `ks.t`, serializing `rows`.
    static func rows(_ columns: [(String, DataTypeOption)], _ rows: [[CQLValue?]], pagingState: [UInt8]? = nil,
                     keyspace: String = "ks", table: String = "t") -> ResponseMessage {
        let specifications = columns.map {
            ColumnSpecification(keyspace: keyspace, table: table, name: $0.0, type: $0.1)
        }
        let cells = rows.map { row in
            row.enumerated().map { index, value in
                value.map { try! $0.serialize(as: columns[index].1.dataType) }
            }
        }
        return .result(.rows(RowsResult(metadata: RowsMetadata(columns: specifications, pagingState: pagingState),
                                        rows: cells)))
    }

    /// An ERROR.
    static func error(_ detail: ErrorDetail, _ message: String) -> ResponseMessage {
        .error(ErrorResponse(detail, message: message))
    }

    /// The `system.local` row of a node with `tokens`.
    static func local(tokens: [Int64], hostID: UInt64) -> ResponseMessage {
        rows([("key", .varchar), ("data_center", .varchar), ("host_id", .uuid), ("rpc_address", .inet),
              ("tokens", .set(.varchar))],
             [[.text("local"), .text("dc1"), .uuid(CQLUUID(high: hostID, low: 1)), .inet([127, 0, 0, 1]),
               .set(tokens.map { .text(String($0)) })]], keyspace: "system", table: "local")
    }

    /// `system.peers` rows: each peer at 127.0.0.1 with its own port (`rpc_port`).
    static func peers(_ peers: [(port: Int, tokens: [Int64], hostID: UInt64)]) -> ResponseMessage {
        rows([("peer", .inet), ("data_center", .varchar), ("host_id", .uuid), ("rpc_address", .inet),
              ("rpc_port", .int), ("tokens", .set(.varchar))],
             peers.map { peer in
                 [.inet([127, 0, 0, 1]), .text("dc1"), .uuid(CQLUUID(high: peer.hostID, low: 1)),
                  .inet([127, 0, 0, 1]), .int(Int32(peer.port)), .set(peer.tokens.map { .text(String($0)) })]
             }, keyspace: "system", table: "peers")
    }

    /// The text of a QUERY, or nil.
    static func queryText(_ request: RequestMessage) -> String? {
        if case .query(let text, _) = request { return text }
        return nil
    }

    /// Answers the discovery queries for a single node without peers; nil for others.
    static func singleNodeDiscovery(_ request: RequestMessage) -> ResponseMessage? {
        guard let text = queryText(request) else { return nil }
        if text.contains("system.local") { return local(tokens: [0], hostID: 1) }
        if text.contains("system.peers") { return peers([]) }
        return nil
    }
}

extension KVClientConfiguration {
    /// Short timeouts and backoff for tests.
    static func testing(connectionsPerHost: Int = 1) -> KVClientConfiguration {
        KVClientConfiguration(connectionsPerHost: connectionsPerHost, requestTimeoutMs: 5_000, connectTimeoutMs: 2_000,
                              reconnectBaseDelayMs: 10, reconnectMaxDelayMs: 100)
    }
}
