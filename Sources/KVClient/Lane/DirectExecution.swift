import CQL
import NIOCore

/// The fast path of a `ClientLane` request, for load generators whose workers each have one
/// request in flight: the EXECUTE is encoded straight into a connection of the lane's loop
/// (the same one `ClientLane.execute` would choose first), and its response is read from
/// the frame inside that connection's read. No per-request execution state, parameters
/// value or body buffer is made.
///
/// It covers the request's first try only. Whatever `ClientLane.execute` would answer by
/// trying again (Unprepared, Overloaded, Is_bootstrapping, a closed connection) comes back
/// as `.needsFullPath`, and `send` sends nothing and returns false when it cannot send at
/// once (no open connection of this loop to the node, no free stream id): either way the
/// caller sends the request through `ClientLane.execute`, so a run sees the same outcomes.
///
/// One per worker, reused; confined to the lane's event loop.
public final class DirectExecution: @unchecked Sendable {
    /// How a direct request ended.
    public enum Outcome: Sendable {
        /// Its outcome, as `ClientLane.execute` would have delivered it.
        case finished(Result<ResultSummary, KVClientError>)
        /// Send it again through `ClientLane.execute`, which retries.
        case needsFullPath
    }

    /// Not counted per request: the caller keeps the lane for as long as this object.
    private unowned(unsafe) let lane: ClientLane
    private let onOutcome: (Outcome) -> Void
    /// The columns of the statement in flight, to check a ROWS answer against.
    private var knownColumns: ResultColumns?
    private var hostIndex = 0
    private var position = 0

    /// A direct path through `lane`; `onOutcome` runs on the lane's loop, once per request
    /// that `send` sent, never inside `send`.
    public init(lane: ClientLane, onOutcome: @escaping (Outcome) -> Void) {
        self.lane = lane
        self.onOutcome = onOutcome
    }

    /// Sends `statement` with `bound` (one serialized value per marker) at `consistency`
    /// (nil: the client's default) and no other option. Returns false, having sent nothing,
    /// when the request must take `ClientLane.execute` at once. Call on the lane's loop.
    public func send(_ statement: PreparedStatement, bound: [ProtocolValue], consistency: ProtocolConsistency?) -> Bool {
        guard bound.count == statement.bindCount,
              let chosen = lane.directConnection(routingKey: lane.pools.count > 1 ? statement.routingKey(bound) : nil)
        else { return false }
        let columns = statement.resultColumns
        guard chosen.connection.submitExecuteOnLoop(id: statement.id, consistency: consistency ?? lane.defaultConsistency,
                                                    values: bound, skipMetadata: columns != nil,
                                                    completion: .direct(self))
        else { return false }
        knownColumns = columns
        hostIndex = chosen.host
        position = chosen.position
        return true
    }

    /// The response, read straight from its frame.
    func receive(_ frame: ProtocolFrame, decoder: ResponseDecoder) {
        lane.noteAnswered(host: hostIndex, position: position)
        let answer: Result<ResultSummary, ErrorResponse>
        do throws(KVClientError) {
            answer = try ResultSummary.of(frame, decoder: decoder, host: host, knownColumns: knownColumns)
        } catch {
            return finish(.finished(.failure(error)))
        }
        handle(answer)
    }

    /// The response, decoded (not sent here, but every completion takes one).
    func receive(_ response: DecodedResponse) {
        do throws(KVClientError) {
            handle(try ResultSummary.of(response, host: host, knownColumns: knownColumns))
        } catch {
            finish(.finished(.failure(error)))
        }
    }

    /// The request failed without a response: a closed connection is tried again elsewhere.
    func fail(_ error: KVClientError) {
        if case .connectionClosed = error { return finish(.needsFullPath) }
        finish(.finished(.failure(error)))
    }

    private func handle(_ answer: Result<ResultSummary, ErrorResponse>) {
        switch answer {
        case .success(let summary):
            finish(.finished(.success(summary)))
        case .failure(let error):
            switch error.detail {
            case .unprepared, .overloaded, .isBootstrapping:
                finish(.needsFullPath)
            default:
                finish(.finished(.failure(.server(ServerError(host: host.description, response: error)))))
            }
        }
    }

    private func finish(_ outcome: Outcome) {
        knownColumns = nil
        onOutcome(outcome)
    }

    /// The node the request went to.
    private var host: HostAddress { lane.pools[hostIndex].address }
}
