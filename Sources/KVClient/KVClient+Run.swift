import CQL
import KVCore

extension KVClient {
    /// A response and the connection that carried it.
    struct Outcome: Sendable {
        let response: DecodedResponse
        let connection: ClientConnection
    }

    /// Sends `message` to the nodes in plan order until one answers. Moves on when a node
    /// cannot be reached, its connection closes mid-request, or it answers Overloaded or
    /// Is_bootstrapping; re-prepares `prepared` once on Unprepared. Other server errors are
    /// returned in the response for the caller to throw. Runs on the caller's executor
    /// (`nonsending`): no executor switch on the request path.
    nonisolated(nonsending) func run(_ message: RequestMessage, routingToken: Token?, keyspace: String?,
             prepared: PreparedStatement?) async throws(KVClientError) -> Outcome {
        guard !closed else { throw .clientClosed }
        let (pools, preferred) = topology.withLock { topology in
            (topology.pools, routingToken.flatMap { topology.tokenMap.owner(of: $0) })
        }
        // One node needs no rotation, and the shared counter is a cache line both cores fight over.
        let rotation = pools.count > 1 ? nextRotation() : 0
        let plan = QueryPlan(hostCount: pools.count, preferred: preferred, rotation: rotation)
        let wantedKeyspace = keyspace ?? self.keyspace
        var causes: [HostFailure] = []
        for index in plan {
            let pool = pools[index]
            do throws(KVClientError) {
                let connection = try await pool.connection()
                if let wantedKeyspace, !connection.isUsing(keyspace: wantedKeyspace) {
                    try await switchKeyspace(of: connection, to: wantedKeyspace)
                }
                var response = try await connection.send(message)
                if let prepared, Self.isUnprepared(response) {
                    try await reprepare(prepared, on: connection)
                    response = try await connection.send(message)
                }
                if case .error(let error) = response.message, Self.triesNextHost(error.detail) {
                    let failure = ServerError(host: pool.address.description, response: error)
                    causes.append(HostFailure(host: pool.address.description, error: .server(failure)))
                    continue
                }
                return Outcome(response: response, connection: connection)
            } catch {
                guard Self.triesNextHost(error) else { throw error }
                causes.append(HostFailure(host: pool.address.description, error: error))
            }
        }
        throw .noHostAvailable(causes: causes)
    }

    private static func triesNextHost(_ error: KVClientError) -> Bool {
        if case .connectionClosed = error { return true }
        return false
    }

    private static func triesNextHost(_ detail: ErrorDetail) -> Bool {
        switch detail {
        case .overloaded, .isBootstrapping: return true
        default: return false
        }
    }

    private static func isUnprepared(_ response: DecodedResponse) -> Bool {
        if case .error(let error) = response.message, case .unprepared = error.detail { return true }
        return false
    }

    /// Runs `USE` on `connection`.
    private func switchKeyspace(of connection: ClientConnection, to keyspace: String) async throws(KVClientError) {
        let text = "USE \(Self.quoted(keyspace))"
        let response = try await connection.send(.query(text, QueryParameters(consistency: configuration.defaultConsistency)))
        let result = try Self.result(of: response, host: connection.address, knownColumns: nil, text: text, keyspace: nil)
        guard case .setKeyspace(let name) = result else {
            throw .protocolError("\(connection.address): USE was answered with \(result)")
        }
        connection.keyspace.withLock { $0 = name }
    }

    /// Prepares `statement` again on `connection` (a node that forgot it or never saw it).
    private func reprepare(_ statement: PreparedStatement, on connection: ClientConnection) async throws(KVClientError) {
        try Self.checkReprepared(statement, answer: try await connection.send(.prepare(statement.text)), on: connection)
    }

    /// Checks the answer to PREPARE of `statement` again on `connection`: prepared, with the
    /// same id (else the node runs a different statement under it).
    static func checkReprepared(_ statement: PreparedStatement, answer response: DecodedResponse,
                                on connection: ClientConnection) throws(KVClientError) {
        let result = try Self.result(of: response, host: connection.address, knownColumns: nil,
                                     text: statement.text, keyspace: statement.keyspace)
        guard case .prepared(let again) = result else {
            throw .protocolError("\(connection.address): PREPARE was answered with \(result)")
        }
        guard again.id == statement.id else {
            throw .protocolError("\(connection.address): re-prepared statement has a different id")
        }
    }
}
