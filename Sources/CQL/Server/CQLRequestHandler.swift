/// Executes the statements of a started connection: QUERY, PREPARE, EXECUTE and BATCH.
///
/// Supplied by the node. The connection handles the handshake (OPTIONS, STARTUP, REGISTER)
/// itself and calls `handle` for everything else, once per request, concurrently: many
/// requests of one connection may be in flight at once and are answered as they complete.
/// Bad or unknown CQL must be answered with `.syntaxError` or `.invalid`, never
/// `.protocolError` (the Python driver drops a connection on 0x000A).
public protocol CQLRequestHandler: Sendable {
    /// Answers one request. Called from a task that runs on the connection's event loop
    /// until it suspends: it must not wait for anything that needs that loop, and work that
    /// blocks (a disk read, a group-commit fsync) holds up the loop's other connections.
    func handle(_ request: RequestMessage, context: CQLConnectionInfo) async -> ResponseMessage

    /// Answers one request with any client warnings; the connection calls this one. By
    /// default `handle`'s response without warnings.
    func respond(to request: RequestMessage, context: CQLConnectionInfo) async -> CQLResponse

    /// Answers `request` at once, on the caller's thread, when that needs no suspension (a
    /// prepared point read or write this node serves alone); nil leaves it, untouched, to
    /// `respond`. The connection asks this first: answering without a task saves the task's
    /// allocation and scheduling on the hottest requests. Nil by default.
    func respondAtOnce(to request: RequestMessage, context: CQLConnectionInfo) -> CQLResponse?

    /// Called once when a connection that sent STARTUP closes (to drop session state).
    func connectionClosed(_ context: CQLConnectionInfo) async
}

extension CQLRequestHandler {
    /// `handle`'s response, without warnings.
    public func respond(to request: RequestMessage, context: CQLConnectionInfo) async -> CQLResponse {
        CQLResponse(await handle(request, context: context))
    }

    public func respondAtOnce(to request: RequestMessage, context: CQLConnectionInfo) -> CQLResponse? { nil }

    /// Keeps no session state by default.
    public func connectionClosed(_ context: CQLConnectionInfo) async {}
}
