import CQL
import KVCore
import NIOCore

/// One `ClientLane.execute` from start to completion: the nodes of its plan tried in turn,
/// a keyspace switch or a re-prepare when a connection needs one, and the summary or error
/// delivered. Reused by its lane from request to request, so a request allocates no state
/// of its own.
///
/// The common case is one EXECUTE on a connection of the lane's loop, answered there. The
/// rest (a connection to open, a keyspace to switch, a re-prepare, a node reached only from
/// another loop) goes through futures that hop back to the lane's loop.
/// Confined to the lane's event loop (`@unchecked Sendable` so a connection can hold it).
final class LaneExecution: @unchecked Sendable {
    /// Not counted per access: `keepAlive` holds the lane while a request runs, and the lane
    /// holds its idle executions.
    private unowned(unsafe) let lane: ClientLane
    private var keepAlive: ClientLane?
    private var statement: PreparedStatement?
    /// The EXECUTE's body, encoded once per request (sent again as it is by a retry).
    private var requestBody = ByteBuffer()
    private var plan = QueryPlan(hostCount: 0, preferred: nil, rotation: 0)
    private var hint: Int?
    /// The connection's position among the lane's connections of the host (-1: not one of them).
    private var connectionPosition = -1
    private var causes: [HostFailure] = []
    private var hasReprepared = false
    private var hostIndex = 0
    private var connection: ClientConnection?
    private var completion: ((Result<ResultSummary, KVClientError>) -> Void)?
    /// True while `ClientLane.execute` runs: a completion then waits for a later loop turn.
    var isStarting = false

    init(lane: ClientLane) {
        self.lane = lane
    }

    /// Plans the nodes and sends to the first.
    func start(statement: PreparedStatement, bound: [ProtocolValue], options: StatementOptions, hint: Int?,
               completion: @escaping (Result<ResultSummary, KVClientError>) -> Void) {
        self.completion = completion
        keepAlive = lane
        guard !lane.isClientClosed else { return finish(.failure(.clientClosed)) }
        guard bound.count == statement.bindCount else {
            return finish(.failure(.invalidArgument(
                "the statement has \(statement.bindCount) bind markers, \(bound.count) values given")))
        }
        requestBody.clear()
        requestBody.writeProtocolShortBytes(statement.id)
        QueryParameters(
            consistency: options.consistency ?? lane.defaultConsistency,
            values: bound.isEmpty ? .none : .positional(bound), skipMetadata: statement.resultColumns != nil,
            pageSize: options.pageSize, pagingState: options.pagingState,
            serialConsistency: options.serialConsistency, defaultTimestamp: options.timestamp
        ).write(into: &requestBody)
        self.statement = statement
        self.hint = hint
        self.hasReprepared = false
        plan = lane.plan(routingKey: lane.pools.count > 1 ? statement.routingKey(bound) : nil)
        tryNextHost()
    }

    // MARK: Sending

    private func tryNextHost() {
        guard let index = plan.next() else { return finish(.failure(.noHostAvailable(causes: causes))) }
        hostIndex = index
        if let chosen = lane.connection(host: index, hint: hint) {
            connectionPosition = chosen.position
            return send(on: chosen.connection)
        }
        connectionPosition = -1
        switch lane.pools[index].choose(onLoop: lane.loopID) {
        case .ready(let connection): send(on: connection)
        case .failed(let error): failHost(error)
        case .wait(let opening):
            opening.hop(to: lane.eventLoop).whenComplete { result in
                switch result {
                case .success(let connection): self.send(on: connection)
                case .failure(let error): self.failHost(Self.clientError(error, host: self.hostDescription))
                }
            }
        }
    }

    /// Sends the EXECUTE on `connection`. The connection's keyspace does not matter to an
    /// EXECUTE (the node resolved the statement's names when it was prepared, and its id
    /// stands for keyspace and text), so it is not checked per request; a re-prepare, which
    /// resolves names again, switches it first.
    private func send(on connection: ClientConnection) {
        self.connection = connection
        if connection.loopID == lane.loopID {
            connection.submitOnLoop(.execute(body: requestBody), completion: .lane(self))
        } else {
            connection.request(.execute(body: requestBody)).hop(to: lane.eventLoop).whenComplete { result in
                switch result {
                case .success(let response): self.receive(response)
                case .failure(let error): self.fail(Self.clientError(error, host: connection.address.description))
                }
            }
        }
    }

    private func switchKeyspace(of connection: ClientConnection, to keyspace: String) {
        let text = "USE \(KVClient.quoted(keyspace))"
        let parameters = QueryParameters(consistency: lane.client.configuration.defaultConsistency)
        connection.request(.query(text, parameters)).hop(to: lane.eventLoop).whenComplete { result in
            do throws(KVClientError) {
                let response = try result.mapError { Self.clientError($0, host: connection.address.description) }.get()
                let answer = try KVClient.result(of: response, host: connection.address, knownColumns: nil,
                                                 text: text, keyspace: nil)
                guard case .setKeyspace(let name) = answer else {
                    throw .protocolError("\(connection.address): USE was answered with \(answer)")
                }
                connection.keyspace.withLock { $0 = name }
                self.reprepare(on: connection, checksKeyspace: false)
            } catch {
                self.failHost(error)
            }
        }
    }

    /// Prepares the statement again on `connection` (in the statement's keyspace, switched
    /// to first when the connection is in another, once), then sends the EXECUTE again.
    private func reprepare(on connection: ClientConnection, checksKeyspace: Bool = true) {
        let statement = self.statement!
        if checksKeyspace, let keyspace = statement.keyspace ?? lane.client.keyspace,
           !connection.isUsing(keyspace: keyspace) {
            return switchKeyspace(of: connection, to: keyspace)
        }
        hasReprepared = true
        connection.request(.prepare(statement.text)).hop(to: lane.eventLoop).whenComplete { result in
            do throws(KVClientError) {
                let response = try result.mapError { Self.clientError($0, host: connection.address.description) }.get()
                try KVClient.checkReprepared(statement, answer: response, on: connection)
                self.send(on: connection)
            } catch {
                self.failHost(error)
            }
        }
    }

    // MARK: Outcomes

    /// The response to the EXECUTE sent on this loop, read straight from its frame.
    func receive(_ frame: ProtocolFrame, decoder: ResponseDecoder) {
        answered()
        do throws(KVClientError) {
            handle(try ResultSummary.of(frame, decoder: decoder, host: host, knownColumns: statement?.resultColumns))
        } catch {
            finish(.failure(error))
        }
    }

    /// The response to the EXECUTE, decoded (sent through another loop's connection).
    func receive(_ response: DecodedResponse) {
        answered()
        do throws(KVClientError) {
            handle(try ResultSummary.of(response, host: host, knownColumns: statement?.resultColumns))
        } catch {
            finish(.failure(error))
        }
    }

    /// The EXECUTE failed without a response.
    func fail(_ error: KVClientError) {
        answered()
        failHost(error)
    }

    private func answered() {
        if connectionPosition >= 0 { lane.noteAnswered(host: hostIndex, position: connectionPosition) }
    }

    /// A summary is the outcome; so is an ERROR, unless another try may succeed: Unprepared
    /// re-prepares (once), Overloaded and Is_bootstrapping move on to the next node.
    private func handle(_ answer: Result<ResultSummary, ErrorResponse>) {
        let error: ErrorResponse
        switch answer {
        case .success(let summary): return finish(.success(summary))
        case .failure(let failure): error = failure
        }
        switch error.detail {
        case .unprepared where !hasReprepared:
            if let connection { return reprepare(on: connection) }
        case .overloaded, .isBootstrapping:
            let failure = ServerError(host: hostDescription, response: error)
            causes.append(HostFailure(host: hostDescription, error: .server(failure)))
            return tryNextHost()
        default: break
        }
        finish(.failure(.server(ServerError(host: host.description, response: error))))
    }

    /// The node answering.
    private var host: HostAddress { connection?.address ?? lane.pools[hostIndex].address }

    /// A closed connection moves on to the next node; any other failure is the outcome.
    private func failHost(_ error: KVClientError) {
        guard case .connectionClosed = error else { return finish(.failure(error)) }
        causes.append(HostFailure(host: hostDescription, error: error))
        tryNextHost()
    }

    private func finish(_ result: Result<ResultSummary, KVClientError>) {
        let completion = self.completion!
        let deferred = isStarting
        self.completion = nil
        statement = nil
        connection = nil
        if !causes.isEmpty { causes = [] }
        let lane = keepAlive!
        keepAlive = nil
        lane.recycle(self)
        if deferred {
            lane.eventLoop.assumeIsolated().execute { completion(result) }
        } else {
            completion(result)
        }
    }

    private var hostDescription: String { lane.pools[hostIndex].address.description }

    private static func clientError(_ error: any Error, host: String) -> KVClientError {
        (error as? KVClientError) ?? .connectionClosed(host: host, reason: "\(error)")
    }
}
