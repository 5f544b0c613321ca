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
    /// Bumped whenever a connection is added or removed: a `ClientLane` re-reads its loop's
    /// connections when it changes (read per request, written rarely).
    private let generationCounter = Atomic<Int>(0)

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
        generationCounter.add(1, ordering: .relaxed)
    }

    /// Changes whenever the pool gains or drops a connection.
    var generation: Int { generationCounter.load(ordering: .relaxed) }

    /// The live connections whose event loop is `loop`, in the pool's order.
    func connections(onLoop loop: ObjectIdentifier) -> [ClientConnection] {
        state.withLock { state in state.connections.all.filter { $0.loopID == loop && $0.isActive } }
    }

    /// Drops dead connections and, when the pool is short of `connectionsPerHost`, starts
    /// opening one (as a request's choice would). Cheap when nothing is dead.
    func replenish() {
        _ = choose(onLoop: nil)
    }

    /// Opens connections, one at a time, until the pool has `connectionsPerHost`.
    /// - Throws: the failure of a connection that could not be opened.
    func fill() async throws(KVClientError) {
        while true {
            let next = state.withLock { state -> EventLoopFuture<ClientConnection>? in
                if state.closed || state.connections.count >= configuration.connectionsPerHost { return nil }
                if let opening = state.opening { return opening }
                let opening = open()
                state.opening = opening
                return opening
            }
            guard let next else { return }
            do {
                _ = try await next.get()
            } catch let error as KVClientError {
                throw error
            } catch {
                throw .connectionClosed(host: address.description, reason: "\(error)")
            }
        }
    }

    /// A live connection to the node, opening one if needed. Runs on the caller's executor
    /// (`nonsending`): usually it returns without suspending.
    /// - Throws: the last connection failure while backing off, or the new one.
    nonisolated(nonsending) func connection() async throws(KVClientError) -> ClientConnection {
        let choice = choose(onLoop: MultiThreadedEventLoopGroup.currentEventLoop.map(ObjectIdentifier.init))
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

    /// What `choose` found: a connection, one being opened, or the failure to report.
    enum Choice {
        case ready(ClientConnection)
        case wait(EventLoopFuture<ClientConnection>)
        case failed(KVClientError)
    }

    /// The connection for a request from `loop` (nil: any), opening one when the pool is
    /// short and the best is busy, under the pool's lock.
    func choose(onLoop loop: ObjectIdentifier?) -> Choice {
        return state.withLock { state -> Choice in
            if state.closed { return .failed(.clientClosed) }
            let before = state.connections.count
            defer { if state.connections.count != before { generationCounter.add(1, ordering: .relaxed) } }
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
                    self.generationCounter.add(1, ordering: .relaxed)
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
            generationCounter.add(1, ordering: .relaxed)
            defer { state.connections.removeAll() }
            return state.connections.all
        }
        for connection in connections { connection.close() }
    }
}
