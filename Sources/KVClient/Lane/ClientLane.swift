import CQL
import KVCore
import NIOCore
import Ring

/// A callback interface to a `KVClient` for one event loop: prepared statements executed
/// without a task, their outcome delivered to a closure on that loop. Made for load
/// generators, where a task suspended and resumed per request costs more than the request.
///
/// `execute` routes like `KVClient.execute` (token-aware, the other nodes in turn when a
/// node cannot be reached, closes the connection, or answers Overloaded / Is_bootstrapping;
/// re-prepares once on Unprepared; switches a connection's keyspace first when needed) and
/// encodes the request straight into the chosen connection's outbound buffer, sent with the
/// others of the same loop tick in one write. A response's completion runs inside the
/// connection's read, so requests it sends leave in the write that ends that read.
///
/// Connections: the lane uses the node's connections on its loop (filling one up to
/// `requestsPerConnection` before moving on, or the one `connectionHint` pins), re-reading
/// them when the pool changes. Call `KVClient.openConnections()` first
/// for full pools; a node with no connection on this loop is reached through any of its
/// connections (the completion then hops back here).
///
/// Confined to `eventLoop`: create it anywhere, call `execute` only on the loop. The
/// completion is never called from inside `execute` (a failure known at once is delivered
/// on a later loop turn), so a completion may call `execute` again without recursion.
/// Every request completes exactly once: with its summary, a server error, `.timeout`, or a
/// connection or client failure.
public final class ClientLane: @unchecked Sendable {
    /// The loop every completion runs on.
    public let eventLoop: any EventLoop
    let client: KVClient
    /// `client` without counting it per access: every loop's lane would write its one
    /// reference count per request (`client` keeps it alive).
    private unowned(unsafe) let sharedClient: KVClient
    let loopID: ObjectIdentifier
    /// The client's default consistency, read once.
    let defaultConsistency: ProtocolConsistency
    private var topologyVersion = -1
    private(set) var pools: [HostPool] = []
    private var tokenMap = TokenMap(hosts: [])
    /// Per host: its live connections on this loop and the pool generation they were read at.
    private var connections: [HostConnections] = []

    /// One host's connections on this loop.
    private struct HostConnections {
        /// Not counted per access (`pools` holds the pool): other loops count the same object.
        unowned(unsafe) let pool: HostPool
        var generation = -1
        var list: [ClientConnection] = []
        /// The position of the connection unhinted requests go to while it has room.
        var sticky = 0
        /// The position of the connection whose response was handled last.
        var lastAnswered: Int?
    }
    private var rotation = 0
    private var idle: [LaneExecution] = []

    /// The most finished executions kept for reuse.
    static let idleExecutionsMax = 65_536
    /// How many requests in flight a connection takes before unhinted requests move on to
    /// another (see `batchingChoice`).
    public let requestsPerConnection: Int

    /// A lane of `client` on `eventLoop`; unhinted requests fill a connection up to
    /// `requestsPerConnection` in flight before moving on to another.
    public init(client: KVClient, eventLoop: any EventLoop, requestsPerConnection: Int = 16) {
        self.requestsPerConnection = max(1, requestsPerConnection)
        self.client = client
        self.sharedClient = client
        self.eventLoop = eventLoop
        self.loopID = ObjectIdentifier(eventLoop)
        self.defaultConsistency = client.configuration.defaultConsistency
    }

    /// Executes `statement` with `values` (nil binds null). `completion` runs once on
    /// `eventLoop`, never inside this call. `connectionHint` pins the request to one of the
    /// node's connections on this loop (hint modulo their count); without one the lane
    /// gathers requests on few connections (`requestsPerConnection`). Must be called on
    /// `eventLoop`.
    public func execute(_ statement: PreparedStatement, _ values: [CQLValue?], options: StatementOptions = .default,
                        connectionHint: Int? = nil,
                        completion: @escaping (Result<ResultSummary, KVClientError>) -> Void) {
        let bound: [ProtocolValue]
        do throws(KVClientError) {
            bound = try statement.bind(values)
        } catch {
            return eventLoop.assumeIsolated().execute { completion(.failure(error)) }
        }
        execute(statement, bound: bound, options: options, connectionHint: connectionHint, completion: completion)
    }

    /// Executes `statement` with values already serialized for its bind markers (as
    /// `PreparedStatement.bind` makes them; one per marker, the caller's responsibility). A
    /// caller that rewrites the same array in place for each request allocates nothing for
    /// its values: the request is encoded before this returns and the array is not kept
    /// beyond the request. Otherwise as `execute(_:_:options:connectionHint:completion:)`.
    public func execute(_ statement: PreparedStatement, bound: [ProtocolValue], options: StatementOptions = .default,
                        connectionHint: Int? = nil,
                        completion: @escaping (Result<ResultSummary, KVClientError>) -> Void) {
        assert(eventLoop.inEventLoop, "ClientLane.execute off its event loop")
        let execution = idle.popLast() ?? LaneExecution(lane: self)
        execution.isStarting = true
        execution.start(statement: statement, bound: bound, options: options, hint: connectionHint,
                        completion: completion)
        execution.isStarting = false
    }

    /// Whether the client was closed.
    var isClientClosed: Bool { sharedClient.closed }

    /// Takes back a finished execution for reuse.
    func recycle(_ execution: LaneExecution) {
        if idle.count < Self.idleExecutionsMax { idle.append(execution) }
    }

    /// The owner of `token`'s partition and the plan's rotation, with the topology re-read
    /// when it changed.
    func plan(routingKey: [UInt8]?) -> QueryPlan {
        refreshTopologyIfChanged()
        let count = pools.count
        guard count > 1 else { return QueryPlan(hostCount: count, preferred: nil, rotation: 0) }
        let preferred = routingKey.map(Murmur3Partitioner.token(for:)).flatMap { tokenMap.owner(of: $0) }
        rotation &+= 1
        return QueryPlan(hostCount: count, preferred: preferred, rotation: rotation & Int.max)
    }

    /// A live connection of host `index` on this loop and its position among them, or nil
    /// when it has none: the hint's when one is given, else the batching choice.
    func connection(host index: Int, hint: Int?) -> (connection: ClientConnection, position: Int)? {
        let pool = connections[index].pool
        if connections[index].generation != pool.generation || connections[index].list.isEmpty {
            connections[index].generation = pool.generation
            connections[index].list = pool.connections(onLoop: loopID)
        }
        let count = connections[index].list.count
        guard count > 0 else { return nil }
        let position = hint.map { $0 % count } ?? batchingChoice(host: index)
        if let position, connections[index].list[position].isActive {
            return (connections[index].list[position], position)
        }
        // A connection died: drop it (the pool may open another) and choose again.
        pool.replenish()
        connections[index].generation = pool.generation
        connections[index].list = pool.connections(onLoop: loopID)
        let remaining = connections[index].list.count
        guard remaining > 0 else { return nil }
        let again = hint.map { $0 % remaining } ?? batchingChoice(host: index) ?? 0
        return (connections[index].list[again], again)
    }

    /// The connection of this loop `execute` would send a request for `routingKey` on first,
    /// with its host and position; nil when the first node of the plan has none.
    func directConnection(routingKey: [UInt8]?) -> (connection: ClientConnection, host: Int, position: Int)? {
        var plan = plan(routingKey: routingKey)
        guard let host = plan.next(), let chosen = connection(host: host, hint: nil) else { return nil }
        return (chosen.connection, host, chosen.position)
    }

    /// The connection whose response was just handled (a completion sending its next
    /// request runs inside that connection's read, so a request sent there leaves in the
    /// write that ends the read).
    func noteAnswered(host index: Int, position: Int) {
        if index < connections.count { connections[index].lastAnswered = position }
    }

    /// Where the next unhinted request goes: the connection chosen last while it has fewer
    /// than `requestsPerConnection` requests, else the one just answered while it has fewer,
    /// else the least loaded. Requests then gather on few connections and leave in few
    /// writes: a write carries up to `requestsPerConnection` of them (with one connection per
    /// request each write carried one, and the write system calls dominated the client's CPU).
    private func batchingChoice(host index: Int) -> Int? {
        let list = connections[index].list
        let target = requestsPerConnection
        let sticky = connections[index].sticky
        if sticky < list.count, list[sticky].isActive, list[sticky].load.value < target { return sticky }
        if let answered = connections[index].lastAnswered, answered < list.count, list[answered].isActive,
           list[answered].load.value < target {
            connections[index].sticky = answered
            return answered
        }
        var best: Int?
        var bestLoad = Int.max
        for position in list.indices where list[position].isActive {
            let load = list[position].load.value
            if load < bestLoad {
                best = position
                bestLoad = load
                if load == 0 { break }
            }
        }
        if let best { connections[index].sticky = best }
        return best
    }

    private func refreshTopologyIfChanged() {
        let version = sharedClient.topologyVersion.load(ordering: .relaxed)
        guard version != topologyVersion else { return }
        let snapshot = client.topology.withLock { ($0.pools, $0.tokenMap) }
        topologyVersion = version
        pools = snapshot.0
        tokenMap = snapshot.1
        connections = pools.map { HostConnections(pool: $0) }
    }
}

extension KVClient {
    /// Opens every node's connections up to `connectionsPerHost` (they open lazily
    /// otherwise). A `ClientLane` uses only open connections, so a load generator calls
    /// this before it starts.
    /// - Throws: the failure of the first connection that could not be opened.
    public func openConnections() async throws(KVClientError) {
        for pool in topology.withLock({ $0.pools }) { try await pool.fill() }
    }
}
