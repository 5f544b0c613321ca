import CQL
import KVCore
import NIOCore
import Ring
import Synchronization

/// The Swift driver: a connection pool per node, token-aware routing of prepared statements,
/// prepared-statement caching, paging and typed errors, over CQL native protocol v4.
///
/// Create one with `connect(contactPoints:configuration:)`, share it between tasks (it is
/// `Sendable` and every method is safe to call concurrently), and `close()` it when done.
/// Nodes are found once at connect from `system.local` and `system.peers`
/// (`refreshTopology()` reads them again). A request tries nodes in `QueryPlan` order: it
/// moves to the next node when one cannot be reached, its connection closes, or it answers
/// Overloaded / Is_bootstrapping; any other server error is thrown as `.server`.
public final class KVClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: KVClientConfiguration
    let topology: Mutex<Topology>
    private let sessionKeyspace: Mutex<String?>
    private let preparedCache: Mutex<[PreparedKey: PreparedStatement]>
    private let rotation = Atomic<Int>(0)
    private let isClosed = Atomic<Bool>(false)
    /// Bumped when `refreshTopology` changes the hosts: `ClientLane`s re-read them then.
    let topologyVersion = Atomic<Int>(0)

    struct Topology: Sendable {
        var hosts: [ClusterHost]
        var pools: [HostPool]
        var tokenMap: TokenMap
    }

    private struct PreparedKey: Hashable, Sendable {
        let keyspace: String?
        let text: String
    }

    init(configuration: KVClientConfiguration, hosts: [ClusterHost], pools: [HostPool]) {
        self.configuration = configuration
        self.topology = Mutex(Topology(hosts: hosts, pools: pools, tokenMap: TokenMap(hosts: hosts)))
        self.sessionKeyspace = Mutex(configuration.keyspace)
        self.preparedCache = Mutex([:])
    }

    // MARK: Session

    /// The nodes known, the contact point that answered first.
    public var hosts: [ClusterHost] { topology.withLock { $0.hosts } }

    /// The session keyspace (set by `use`, a `USE` statement, or the configuration).
    public var keyspace: String? { sessionKeyspace.withLock { $0 } }

    /// Switches every connection to `keyspace` (its exact, case-sensitive name). Checked on
    /// one node at once; other connections switch before their next statement.
    public func use(_ keyspace: String) async throws(KVClientError) {
        _ = try await execute("USE \(Self.quoted(keyspace))")
    }

    /// Closes every connection. Later calls fail with `.clientClosed`; pending ones with
    /// `.connectionClosed`.
    public func close() {
        guard !isClosed.exchange(true, ordering: .relaxed) else { return }
        for pool in topology.withLock({ $0.pools }) { pool.close() }
    }

    // MARK: Statements

    /// Runs `cql` as a QUERY. `values` bind its `?` markers by position, each serialized as
    /// its own `CQLValue` type (`naturalType`), so they must match the columns' types
    /// exactly. Not token-aware (use `prepare` for that). A `USE` changes the session keyspace.
    public func execute(_ cql: String, _ values: [CQLValue?] = [], options: StatementOptions = .default)
        async throws(KVClientError) -> QueryResult {
        let parameters = try queryParameters(values: try Self.serializeNatural(values), options: options)
        let outcome = try await run(.query(cql, parameters), routingToken: nil,
                                    keyspace: options.keyspace, prepared: nil)
        let result = try Self.result(of: outcome.response, host: outcome.connection.address, knownColumns: nil,
                                     text: cql, keyspace: options.keyspace)
        if case .setKeyspace(let name) = result {
            sessionKeyspace.withLock { $0 = name }
            outcome.connection.keyspace.withLock { $0 = name }
        }
        return result
    }

    /// Prepares `cql` (or returns the cached statement for the same keyspace and text).
    /// `keyspace` defaults to the session keyspace and is what unqualified names mean.
    public func prepare(_ cql: String, keyspace: String? = nil) async throws(KVClientError) -> PreparedStatement {
        let key = PreparedKey(keyspace: keyspace ?? self.keyspace, text: cql)
        if let cached = preparedCache.withLock({ $0[key] }) { return cached }
        let outcome = try await run(.prepare(cql), routingToken: nil, keyspace: key.keyspace, prepared: nil)
        let result = try Self.result(of: outcome.response, host: outcome.connection.address, knownColumns: nil,
                                     text: cql, keyspace: key.keyspace)
        guard case .prepared(let statement) = result else {
            throw .protocolError("PREPARE was answered with \(result)")
        }
        preparedCache.withLock { $0[key] = statement }
        return statement
    }

    /// Executes a prepared statement with `values` for its bind markers (nil binds null).
    /// Routed to the node owning the partition when the statement's partition key is bound;
    /// re-prepared transparently on a node that answers Unprepared. Runs on the caller's
    /// executor until it waits for the response (`nonsending`).
    ///
    /// When the prepared result described the columns, the node is asked to leave the
    /// metadata out of its answer (flag Skip_metadata, as the DataStax and Python drivers do on
    /// protocol v4) and the pages use the prepared columns: neither side encodes or decodes
    /// the column names per request. A statement prepared before its table changed shape
    /// (`SELECT *` after ALTER) then fails with a protocol error when the column count differs.
    nonisolated(nonsending) public func execute(_ statement: PreparedStatement, _ values: [CQLValue?] = [],
                        options: StatementOptions = .default) async throws(KVClientError) -> QueryResult {
        let bound = try statement.bind(values)
        var parameters = try queryParameters(values: bound, options: options)
        parameters.skipMetadata = statement.resultColumns != nil
        let token = statement.routingKey(bound).map(Murmur3Partitioner.token(for:))
        let outcome = try await run(.execute(id: statement.id, parameters), routingToken: token,
                                    keyspace: statement.keyspace, prepared: statement)
        return try Self.result(of: outcome.response, host: outcome.connection.address,
                               knownColumns: statement.resultColumns, text: statement.text,
                               keyspace: statement.keyspace)
    }

    /// The rows of `cql`, fetched a page at a time as the sequence is iterated (one page in
    /// memory). Page size: `options.pageSize` or the configured default.
    public func rows(_ cql: String, values: [CQLValue?] = [], options: StatementOptions = .default) -> RowSequence {
        RowSequence(pages: pages(cql, values: values, options: options))
    }

    /// The rows of a prepared statement, fetched a page at a time (see `rows(_:values:options:)`).
    public func rows(_ statement: PreparedStatement, values: [CQLValue?] = [],
                     options: StatementOptions = .default) -> RowSequence {
        RowSequence(pages: pages(statement, values: values, options: options))
    }

    /// The pages of `cql`, each with its warnings and custom payload, fetched one at a time as
    /// the sequence is iterated. Page size: `options.pageSize` or the configured default.
    public func pages(_ cql: String, values: [CQLValue?] = [], options: StatementOptions = .default) -> PageSequence {
        PageSequence(client: self, statement: .simple(cql, values), options: pagedOptions(options))
    }

    /// The pages of a prepared statement (see `pages(_:values:options:)`).
    public func pages(_ statement: PreparedStatement, values: [CQLValue?] = [],
                      options: StatementOptions = .default) -> PageSequence {
        PageSequence(client: self, statement: .prepared(statement, values), options: pagedOptions(options))
    }

    /// The node that owns `routingKey` (Cassandra's partition key bytes), or nil when no
    /// tokens are known.
    public func owner(ofRoutingKey routingKey: [UInt8]) -> HostAddress? {
        let token = Murmur3Partitioner.token(for: routingKey)
        return topology.withLock { topology in topology.tokenMap.owner(of: token).map { topology.hosts[$0].address } }
    }

    private func pagedOptions(_ options: StatementOptions) -> StatementOptions {
        var options = options
        if options.pageSize == nil { options.pageSize = configuration.defaultPageSize }
        return options
    }

    private func queryParameters(values: [ProtocolValue], options: StatementOptions) throws(KVClientError) -> QueryParameters {
        guard values.count <= Int(UInt16.max) else { throw .invalidArgument("more than 65535 values") }
        return QueryParameters(consistency: options.consistency ?? configuration.defaultConsistency,
                               values: values.isEmpty ? .none : .positional(values),
                               pageSize: options.pageSize, pagingState: options.pagingState,
                               serialConsistency: options.serialConsistency, defaultTimestamp: options.timestamp)
    }

    private static func serializeNatural(_ values: [CQLValue?]) throws(KVClientError) -> [ProtocolValue] {
        var bound: [ProtocolValue] = []
        bound.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard let value else { bound.append(.null); continue }
            do {
                bound.append(.bytes(try value.serialize(as: value.naturalType)))
            } catch {
                throw .invalidArgument("value \(index): \(error)")
            }
        }
        return bound
    }

    static func result(of response: DecodedResponse, host: HostAddress, knownColumns: ResultColumns?,
                       text: String, keyspace: String?) throws(KVClientError) -> QueryResult {
        switch response.message {
        case .result(let result):
            return try ResultDecoding.decode(result, of: response, knownColumns: knownColumns, text: text,
                                             keyspace: keyspace)
        case .error(let error):
            throw .server(ServerError(host: host.description, response: error))
        default:
            throw .protocolError("\(host): a statement was answered with opcode \(response.message.opcode)")
        }
    }

    /// `"name"` with inner quotes doubled: a case-sensitive CQL identifier.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingAll("\"", with: "\"\"") + "\""
    }

    var closed: Bool { isClosed.load(ordering: .relaxed) }

    func nextRotation() -> Int { rotation.add(1, ordering: .relaxed).oldValue }
}

extension String {
    /// The string with every `target` replaced (no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var output = ""
        output.reserveCapacity(count)
        for character in self {
            if character == target { output += replacement } else { output.append(character) }
        }
        return output
    }
}
