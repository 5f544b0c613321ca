import NIOCore
import NIOPosix
import Synchronization

/// The connections to one node: opened lazily up to `connectionsPerHost`, one chosen per
/// request by `ConnectionChoice` (in O(1): the less loaded of two, preferring the caller's
/// event loop and the connection it used last), dead ones dropped when a choice meets one,
/// and reconnection paced by
/// `ReconnectionBackoff` (while backing off, requests fail fast with the last error so the
/// client moves on to the next node). At most one connection is being opened at a time;
/// concurrent callers wait for the same one. Thread-safe; no task of its own.
final class HostPool: Sendable {
    /// The node.
    let address: HostAddress
    private let configuration: KVClientConfiguration
    private let state: Mutex<State>

    private struct State: Sendable {
        var connections: ConnectionChoice
        var opening: EventLoopFuture<ClientConnection>?
        var backoff: ReconnectionBackoff
        var lastError: KVClientError?
        var closed = false
    }

    /// A pool with no connection yet.
    init(address: HostAddress, configuration: KVClientConfiguration) {
        self.address = address
        self.configuration = configuration
        // A few requests of imbalance buy one write per loop tick; small pools keep most ids free.
        let batchSlack = min(4, configuration.maxStreamsPerConnection / 4)
        self.state = Mutex(State(connections: ConnectionChoice(batchSlack: batchSlack),
                                 backoff: ReconnectionBackoff(baseDelayMs: configuration.reconnectBaseDelayMs,
                                                              maxDelayMs: configuration.reconnectMaxDelayMs)))
    }

    /// Adds an already started connection (the contact point's, from discovery).
    func adopt(_ connection: ClientConnection) {
        state.withLock { $0.connections.append(connection) }
    }

    /// A live connection to the node, opening one if needed. Runs on the caller's executor
    /// (`nonsending`): usually it returns without suspending.
    /// - Throws: the last connection failure while backing off, or the new one.
    nonisolated(nonsending) func connection() async throws(KVClientError) -> ClientConnection {
        let choice = choose()
        switch choice {
        case .ready(let connection): return connection
        case .failed(let error): throw error
        case .wait(let future):
            do {
                return try await future.get()
            } catch let error as KVClientError {
                throw error
            } catch {
                throw .connectionClosed(host: address.description, reason: "\(error)")
            }
        }
    }

    private enum Choice {
        case ready(ClientConnection)
        case wait(EventLoopFuture<ClientConnection>)
        case failed(KVClientError)
    }

    private func choose() -> Choice {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop.map(ObjectIdentifier.init)
        return state.withLock { state -> Choice in
            if state.closed { return .failed(.clientClosed) }
            let best = state.connections.pick(onLoop: loop)
            let wantsMore = state.connections.count < configuration.connectionsPerHost
            if let best, !wantsMore || state.opening != nil || best.load.value == 0 {
                return .ready(best)
            }
            if let opening = state.opening { return best.map { .ready($0) } ?? .wait(opening) }
            guard state.backoff.mayAttempt(now: Int64(NIODeadline.now().uptimeNanoseconds)) else {
                if let best { return .ready(best) }
                return .failed(state.lastError ?? .connectionClosed(host: address.description, reason: "backing off"))
            }
            let opening = open()
            state.opening = opening
            return best.map { .ready($0) } ?? .wait(opening)
        }
    }

    /// Starts opening one connection; records the outcome in the state when it completes.
    private func open() -> EventLoopFuture<ClientConnection> {
        let future = ClientConnection.open(to: address, configuration: configuration)
        future.whenComplete { result in
            let now = Int64(NIODeadline.now().uptimeNanoseconds)
            let closeAtOnce = self.state.withLock { state -> ClientConnection? in
                state.opening = nil
                switch result {
                case .success(let connection):
                    state.backoff.recordSuccess()
                    state.lastError = nil
                    if state.closed { return connection }
                    state.connections.append(connection)
                case .failure(let error):
                    state.backoff.recordFailure(now: now)
                    state.lastError = (error as? KVClientError)
                        ?? .connectionClosed(host: self.address.description, reason: "\(error)")
                }
                return nil
            }
            closeAtOnce?.close()
        }
        return future
    }

    /// Closes every connection; later calls fail with `.clientClosed`.
    func close() {
        let connections = state.withLock { state -> [ClientConnection] in
            state.closed = true
            defer { state.connections.removeAll() }
            return state.connections.all
        }
        for connection in connections { connection.close() }
    }
}
