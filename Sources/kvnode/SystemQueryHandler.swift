import CQL
import Gossip
import Synchronization

/// The node's CQL front door. It answers the metadata queries drivers send (`system.local`,
/// `system.peers[_v2]`, `system_schema.*`) from the node's configuration, gossip and user
/// schema, `USE`, DESCRIBE and DDL (through `SchemaService`), and hands statements on user
/// tables (INSERT, UPDATE, DELETE, SELECT, BATCH, TRUNCATE) to the `StatementExecutor`.
///
/// Prepared ids are a digest of (keyspace, text), so they agree across nodes and restarts.
/// Session state (the `USE`d keyspace) and the prepared texts live behind mutexes; system
/// tables answer in one page.
final class SystemQueryHandler: CQLRequestHandler {
    /// What the node knows of itself; the handler reads gossip for the rest.
    struct LocalNode: Sendable {
        let configuration: NodeConfiguration
        let endpoint: GossipEndpoint
        let generation: Int64
        let releaseVersion: String
    }

    static let cqlVersion = "3.4.5"
    static let partitioner = "org.apache.cassandra.dht.Murmur3Partitioner"
    /// Bounds the prepared-statement cache (metadata queries are few and fixed).
    static let maxPreparedStatements = 1024

    private let local: LocalNode
    private let snapshot: @Sendable () async -> [(endpoint: GossipEndpoint, state: EndpointState, isAlive: Bool)]
    private let schema: SchemaService
    private let sessionKeyspaces = Mutex<[UInt64: String]>([:])
    private let preparedTexts = Mutex<[[UInt8]: (keyspace: String?, text: String)]>([:])
    private let executor: StatementExecutor

    init(local: LocalNode, gossip: GossipService, schema: SchemaService, executor: StatementExecutor) {
        self.local = local
        self.schema = schema
        self.executor = executor
        self.snapshot = { await gossip.snapshot() }
    }

    func handle(_ request: RequestMessage, context: CQLConnectionInfo) async -> ResponseMessage {
        await respond(to: request, context: context).message
    }

    /// Answers a request; batches may add client warnings.
    func respond(to request: RequestMessage, context: CQLConnectionInfo) async -> CQLResponse {
        switch request {
        case .query(let text, let parameters):
            return await run(text, keyspace: sessionKeyspace(context), context: context, parameters: parameters)
        case .prepare(let text):
            return CQLResponse(await prepare(text, context: context))
        case .execute(let id, let parameters):
            do {
                if let plan = try await executor.preparedPlan(id) { return await executor.execute(plan, parameters: parameters) }
            } catch {
                return CQLResponse(.error(error))
            }
            guard let entry = preparedTexts.withLock({ $0[id] }) else {
                return CQLResponse(.error(ErrorResponse(.unprepared(id: id), message: "Prepared query with ID \(Self.hex(id)) not found")))
            }
            return await run(entry.text, keyspace: entry.keyspace, context: context, parameters: parameters)
        case .batch(let batch):
            return await runBatch(batch, keyspace: sessionKeyspace(context))
        default:
            return CQLResponse(.error(ErrorResponse(.protocolError, message: "Unexpected request \(request) on an established connection")))
        }
    }

    /// Prepared point reads and writes this node serves alone, answered without a task.
    func respondAtOnce(to request: RequestMessage, context: CQLConnectionInfo) -> CQLResponse? {
        guard case .execute(let id, let parameters) = request,
              let prepared = executor.currentPreparedStatement(id) else { return nil }
        return executor.executeAtOnce(prepared, parameters: parameters)
    }

    func connectionClosed(_ context: CQLConnectionInfo) async {
        _ = sessionKeyspaces.withLock { $0.removeValue(forKey: context.connectionID) }
    }

    private func sessionKeyspace(_ context: CQLConnectionInfo) -> String? {
        sessionKeyspaces.withLock { $0[context.connectionID] }
    }

    // MARK: Statements

    private func run(_ text: String, keyspace: String?, context: CQLConnectionInfo,
                     parameters: QueryParameters) async -> CQLResponse {
        let statement: CQLStatement
        do {
            statement = try CQLParser.parseStatement(text)
        } catch {
            return CQLResponse(.error(ErrorResponse(.syntaxError, message: error.description)))
        }
        if StatementExecutor.handles(statement, sessionKeyspace: keyspace) {
            do {
                return await executor.execute(try await executor.plan(statement, sessionKeyspace: keyspace), parameters: parameters)
            } catch {
                return CQLResponse(.error(error))
            }
        }
        return CQLResponse(await runOther(statement, keyspace: keyspace, context: context))
    }

    /// USE, system-table SELECTs, DESCRIBE, TRUNCATE and DDL.
    private func runOther(_ statement: CQLStatement, keyspace: String?, context: CQLConnectionInfo) async -> ResponseMessage {
        switch statement {
        case .use(let name):
            let userKeyspace = await schema.schema.keyspace(name) != nil
            guard SystemKeyspaces.keyspaceNames.contains(name) || userKeyspace else {
                return .error(ErrorResponse(.invalid, message: "Keyspace '\(name)' does not exist"))
            }
            sessionKeyspaces.withLock { $0[context.connectionID] = name }
            return .result(.setKeyspace(name))
        case .select(let select):
            do {
                return .result(.rows(try await rows(for: select, sessionKeyspace: keyspace)))
            } catch {
                return .error(error)
            }
        case .describe(let describe):
            return SchemaDescriber.describe(describe, schema: await schema.schema, sessionKeyspace: keyspace,
                                            clusterName: local.configuration.clusterName)
        case .truncate(let name):
            return await executor.truncate(name, sessionKeyspace: keyspace)
        case .unsupported(let message):
            return .error(ErrorResponse(.invalid, message: message))
        default:
            if let response = await schema.execute(statement, sessionKeyspace: keyspace,
                                                   localDatacenter: local.configuration.datacenter) {
                return response
            }
            return .error(ErrorResponse(.invalid, message: "This statement is not supported here"))
        }
    }

    private func prepare(_ text: String, context: CQLConnectionInfo) async -> ResponseMessage {
        let keyspace = sessionKeyspace(context)
        let metadata: RowsMetadata
        switch try? CQLParser.parseStatement(text) {
        case .createKeyspace?, .alterKeyspace?, .dropKeyspace?, .createTable?, .alterTable?, .dropTable?,
             .createType?, .alterType?, .dropType?:
            // DDL runs on EXECUTE, not on PREPARE; it returns no rows.
            metadata = RowsMetadata(columns: [])
        case let statement? where StatementExecutor.handles(statement, sessionKeyspace: keyspace):
            return await executor.prepare(statement, text: text, sessionKeyspace: keyspace, id: Self.preparedID(text, keyspace))
        default:
            let response = await run(text, keyspace: keyspace, context: context,
                                     parameters: QueryParameters(consistency: .one)).message
            guard case .result(.rows(let result)) = response else { return response }
            metadata = result.metadata
        }
        let id = Self.preparedID(text, keyspace)
        preparedTexts.withLock { texts in
            if texts.count >= Self.maxPreparedStatements { texts.removeAll() }
            texts[id] = (keyspace, text)
        }
        return .result(.prepared(PreparedResult(id: id, bindColumns: [], partitionKeyIndexes: [],
                                                resultMetadata: metadata)))
    }

    static func preparedID(_ text: String, _ keyspace: String?) -> [UInt8] {
        SystemValue.uuidBytes(SchemaDigest.uuid(of: "\(keyspace ?? "")\u{0}\(text)")) ?? []
    }

    static func hex(_ bytes: [UInt8]) -> String {
        "0x" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// A BATCH request: statements given as text or prepared ids, each with its values.
    private func runBatch(_ batch: BatchRequest, keyspace: String?) async -> CQLResponse {
        var statements: [(StatementExecutor.Plan, [ProtocolValue])] = []
        do throws(ErrorResponse) {
            for item in batch.statements {
                switch item.reference {
                case .query(let text):
                    let statement: CQLStatement
                    do {
                        statement = try CQLParser.parseStatement(text)
                    } catch {
                        throw ErrorResponse(.syntaxError, message: error.description)
                    }
                    statements.append((try await executor.plan(statement, sessionKeyspace: keyspace), item.values))
                case .prepared(let id):
                    guard let plan = try await executor.preparedPlan(id) else {
                        throw ErrorResponse(.unprepared(id: id), message: "Prepared query with ID \(Self.hex(id)) not found")
                    }
                    statements.append((plan, item.values))
                }
            }
        } catch {
            return CQLResponse(.error(error))
        }
        let parameters = QueryParameters(consistency: batch.consistency, defaultTimestamp: batch.defaultTimestamp)
        return await executor.executeBatch(statements, type: batch.type, parameters: parameters)
    }

    private func rows(for select: CQLSelect, sessionKeyspace: String?) async throws(ErrorResponse) -> RowsResult {
        let table = try resolve(select.table, sessionKeyspace: sessionKeyspace)
        let selected = try SystemSelection(select.selection, table: table)
        let filter = try SystemFilter(select.whereClause, table: table)
        var matching = await allRows(of: table).filter(filter.matches)
        if case .integer(let text)? = select.limit, let limit = Int(text), limit >= 0, limit < matching.count {
            matching = Array(matching.prefix(limit))
        }
        return RowsResult(metadata: RowsMetadata(columns: selected.specifications),
                          rows: matching.map(selected.cells))
    }

    private func resolve(_ name: CQLQualifiedName, sessionKeyspace: String?) throws(ErrorResponse) -> SystemTable {
        // User tables go to the StatementExecutor before this point.
        guard let keyspace = name.keyspace ?? sessionKeyspace, SystemKeyspaces.keyspaceNames.contains(keyspace) else {
            throw ErrorResponse(.invalid, message: "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename")
        }
        guard let table = SystemKeyspaces.find(keyspace: keyspace, name: name.name) else {
            throw ErrorResponse(.invalid, message: "table \(name.name) does not exist")
        }
        return table
    }

    // MARK: Rows

    private func allRows(of table: SystemTable) async -> [SystemRow] {
        switch (table.keyspace, table.name) {
        case (SystemKeyspaces.system, "local"): return [await localRow()]
        case (SystemKeyspaces.system, "peers"): return await peerRows(version: 1)
        case (SystemKeyspaces.system, "peers_v2"): return await peerRows(version: 2)
        case (SystemKeyspaces.systemSchema, "keyspaces"):
            return SystemKeyspaces.keyspaceRows + SchemaRows.keyspaceRows(await schema.schema)
        case (SystemKeyspaces.systemSchema, "tables"):
            return SystemKeyspaces.tableRows + SchemaRows.tableRows(await schema.schema)
        case (SystemKeyspaces.systemSchema, "columns"):
            return SystemKeyspaces.columnRows + SchemaRows.columnRows(await schema.schema)
        case (SystemKeyspaces.systemSchema, "types"):
            return SchemaRows.typeRows(await schema.schema)
        default: return []
        }
    }

    private func localRow() async -> SystemRow {
        let configuration = local.configuration
        let state = await snapshot().first { $0.endpoint == local.endpoint }?.state
        let tokens = state?[.tokens].flatMap { TokenListValue.tokens(from: $0) } ?? []
        return [
            "key": .text("local"), "bootstrapped": .text("COMPLETED"),
            "broadcast_address": .inet(configuration.listenAddress), "broadcast_port": .int(Int32(configuration.storagePort)),
            "listen_address": .inet(configuration.listenAddress), "listen_port": .int(Int32(configuration.storagePort)),
            "cluster_name": .text(configuration.clusterName), "cql_version": .text(Self.cqlVersion),
            "data_center": .text(configuration.datacenter), "rack": .text(configuration.rack),
            "gossip_generation": .int(Int32(truncatingIfNeeded: local.generation)),
            "host_id": state?[.hostID].map { .uuid($0.lowercased()) } ?? .null,
            "native_protocol_version": .text("4"), "partitioner": .text(Self.partitioner),
            "release_version": .text(local.releaseVersion),
            "rpc_address": .inet(configuration.nativeAddress), "rpc_port": .int(Int32(configuration.nativePort)),
            "schema_version": .uuid(await schema.version),
            "tokens": .textCollection(tokens.sorted().map(String.init)), "truncated_at": .null,
        ]
    }

    private func peerRows(version: Int) async -> [SystemRow] {
        await snapshot().compactMap { entry -> SystemRow? in
            let state = entry.state
            guard entry.endpoint != local.endpoint, !state.isInDeadState,
                  let hostID = state[.hostID],
                  let tokens = state[.tokens].flatMap({ TokenListValue.tokens(from: $0) }), !tokens.isEmpty else { return nil }
            var row: SystemRow = [
                "peer": .inet(entry.endpoint.host), "data_center": .text(state[.datacenter] ?? "dc1"),
                "rack": .text(state[.rack] ?? "rack1"), "host_id": .uuid(hostID.lowercased()),
                "release_version": state[.releaseVersion].map(SystemValue.text) ?? .null,
                "schema_version": state[.schemaVersion].map { .uuid($0.lowercased()) } ?? .null,
                "tokens": .textCollection(tokens.sorted().map(String.init)),
            ]
            let nativeAddress = state[.nativeAddress] ?? entry.endpoint.host
            if version == 1 {
                row["rpc_address"] = .inet(nativeAddress)
            } else {
                row["peer_port"] = .int(Int32(entry.endpoint.port))
                row["native_address"] = .inet(nativeAddress)
                row["native_port"] = state[.nativePort].flatMap(Int32.init).map(SystemValue.int) ?? .null
            }
            return row
        }
    }
}
