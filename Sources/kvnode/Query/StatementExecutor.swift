import CQL
import Coordinator
import KVCore
import Ring
import Synchronization

/// Executes INSERT, UPDATE, DELETE, SELECT and BATCH on user tables through the
/// coordinator, and keeps their prepared plans. A plan is re-made when its table's
/// definition changed since it was prepared.
final class StatementExecutor: Sendable {
    /// Bounds the prepared-statement cache; the oldest half goes when it is full.
    static let maxPreparedStatements = 4096
    /// Without paging, a SELECT returns at most this many rows (bounded memory).
    static let maxUnpagedRows = 100_000
    static let unpagedChunk = 5000

    private let schema: SchemaService
    let coordinator: StorageCoordinator
    private let batchLimits: BatchLimits
    private let clock: any Clock
    private let random: any RandomSource
    private let prepared = Mutex<[PreparedID: PreparedStatement]>([:])
    /// Replication of the keyspaces used so far, as of one schema generation.
    private let replications = Mutex<(generation: UInt64, byKeyspace: [String: KeyspaceReplication])>((0, [:]))
    /// Tells apart the list cells of statements written in the same microsecond: a random
    /// base per node plus a count (a random draw per write cost a getrandom(2) call).
    private let uniquifierBase: UInt32
    private let uniquifierCount = Atomic<UInt32>(0)
    /// The UUID sources of `now()` and `uuid()`, made once rather than per request.
    private let timeUUIDs: @Sendable () -> CQLUUID
    private let randomUUIDs: @Sendable () -> CQLUUID

    /// A statement ready to execute against the table definition it was analysed with.
    enum Plan: Sendable {
        case modification(ModificationPlan)
        case select(SelectPlan)
        case batch([ModificationPlan], CQLBatch)

        var markers: [ColumnSpecification] {
            switch self {
            case .modification(let plan): plan.markers
            case .select(let plan): plan.markers
            case .batch(let plans, _): plans.flatMap(\.markers)
            }
        }

        var tables: [TableSchema] {
            switch self {
            case .modification(let plan): [plan.layout.schema]
            case .select(let plan): [plan.layout.schema]
            case .batch(let plans, _): plans.map(\.layout.schema)
            }
        }
    }

    /// A class, so the per-request lookup copies one reference rather than the statement.
    final class PreparedStatement: Sendable {
        let keyspace: String?
        let statement: CQLStatement
        let plan: Plan
        /// The schema generation `plan` was last found current in.
        let generation: UInt64
        /// The replication of the plan's keyspace in that generation (nil for a batch), so
        /// a request on a current plan looks up nothing else in the schema.
        let replication: KeyspaceReplication?

        init(keyspace: String?, statement: CQLStatement, plan: Plan, generation: UInt64,
             replication: KeyspaceReplication?) {
            self.keyspace = keyspace
            self.statement = statement
            self.plan = plan
            self.generation = generation
            self.replication = replication
        }
    }

    /// A prepared statement's id as a dictionary key: hashed as one run of bytes (hashing an
    /// array of bytes element by element was most of a request's plan lookup).
    struct PreparedID: Hashable, Sendable {
        let bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    init(schema: SchemaService, coordinator: StorageCoordinator, batchLimits: BatchLimits = BatchLimits(), clock: any Clock,
         random: any RandomSource) {
        self.schema = schema
        self.coordinator = coordinator
        self.batchLimits = batchLimits
        self.clock = clock
        self.random = random
        uniquifierBase = UInt32(truncatingIfNeeded: random.nextUInt64())
        timeUUIDs = { UUIDGenerator.timeUUID(micros: clock.nowMicros(), random: random) }
        randomUUIDs = { UUIDGenerator.randomUUID(random) }
    }

    /// Whether `statement` is one this executor runs (DML and SELECT on a user keyspace).
    static func handles(_ statement: CQLStatement, sessionKeyspace: String?) -> Bool {
        switch statement {
        case .insert, .update, .delete, .batch: return true
        case .select(let select):
            let keyspace = select.table.keyspace ?? sessionKeyspace
            return !(keyspace.map(SystemKeyspaces.keyspaceNames.contains) ?? false)
        default: return false
        }
    }

    /// TRUNCATE of a user table, on every node.
    func truncate(_ name: CQLQualifiedName, sessionKeyspace: String?) async -> ResponseMessage {
        do throws(ErrorResponse) {
            let table = try layout(name, schema.current.schema, sessionKeyspace)
            try await coordinated { () async throws(CoordinatorError) in try await coordinator.truncate(table.schema.id) }
            return .result(.void)
        } catch {
            return .error(error)
        }
    }

    // MARK: Planning

    func plan(_ statement: CQLStatement, sessionKeyspace: String?) async throws(ErrorResponse) -> Plan {
        let current = schema.current.schema
        let context = termContext()
        switch statement {
        case .insert(let insert):
            return .modification(try ModificationPlan.insert(insert, layout: try layout(insert.table, current, sessionKeyspace), context: context))
        case .update(let update):
            return .modification(try ModificationPlan.update(update, layout: try layout(update.table, current, sessionKeyspace), context: context))
        case .delete(let delete):
            return .modification(try ModificationPlan.delete(delete, layout: try layout(delete.table, current, sessionKeyspace), context: context))
        case .select(let select):
            return .select(try SelectPlan.analyze(select, layout: try layout(select.table, current, sessionKeyspace), context: context))
        case .batch(let batch):
            guard batch.kind != .counter else { throw ErrorResponse(.invalid, message: "Counters are not supported") }
            var plans: [ModificationPlan] = []
            for inner in batch.statements {
                guard case .modification(var plan) = try await self.plan(inner, sessionKeyspace: sessionKeyspace) else {
                    throw ErrorResponse(.invalid, message: "Only INSERT, UPDATE and DELETE statements are allowed in a batch")
                }
                if plan.timestamp != nil && batch.using.timestamp != nil {
                    throw ErrorResponse(.invalid, message: "Timestamp must be set either on BATCH or individual statements")
                }
                if plan.timestamp == nil, let term = batch.using.timestamp {
                    plan = plan.withTimestamp(.constant(try serialize(term, as: .bigint, context: context)))
                }
                plans.append(plan)
            }
            return .batch(plans, batch)
        default:
            throw ErrorResponse(.invalid, message: "statement is not a data manipulation statement")
        }
    }

    private func layout(_ name: CQLQualifiedName, _ schema: Schema, _ sessionKeyspace: String?) throws(ErrorResponse) -> TableLayout {
        guard let keyspace = name.keyspace ?? sessionKeyspace else {
            throw ErrorResponse(.invalid, message: "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename")
        }
        guard schema.keyspace(keyspace) != nil else {
            throw ErrorResponse(.invalid, message: "Keyspace \(keyspace) does not exist")
        }
        guard let table = schema.table(keyspace, name.name) else {
            throw ErrorResponse(.invalid, message: "unconfigured table \(name.name)")
        }
        return TableLayout(table)
    }

    private func termContext(nowMicros: Int64? = nil) -> TermContext {
        TermContext(nowMicros: nowMicros ?? clock.nowMicros(), timeUUID: timeUUIDs, randomUUID: randomUUIDs)
    }

    // MARK: Prepared statements

    func prepare(_ statement: CQLStatement, text: String, sessionKeyspace: String?, id: [UInt8]) async -> ResponseMessage {
        do throws(ErrorResponse) {
            let generation = schema.current.generation
            let plan = try await self.plan(statement, sessionKeyspace: sessionKeyspace)
            let entry = PreparedStatement(keyspace: sessionKeyspace, statement: statement, plan: plan,
                                          generation: generation, replication: try? replication(of: plan))
            prepared.withLock { cache in
                if cache.count >= Self.maxPreparedStatements { cache.removeAll() }
                cache[PreparedID(bytes: id)] = entry
            }
            return .result(.prepared(PreparedResult(id: id, bindColumns: plan.markers,
                                                    partitionKeyIndexes: Self.partitionKeyIndexes(plan),
                                                    resultMetadata: RowsMetadata(columns: resultColumns(plan)))))
        } catch {
            return .error(error)
        }
    }

    /// The prepared statement `id` when it is known and its plan current (no schema change
    /// since it was last checked); nil otherwise, for `preparedPlan` to settle.
    func currentPreparedStatement(_ id: [UInt8]) -> PreparedStatement? {
        guard let entry = prepared.withLock({ $0[PreparedID(bytes: id)] }), entry.generation == schema.generation else {
            return nil
        }
        return entry
    }

    /// The prepared plan for `id`, re-made if its tables changed; nil when unknown here.
    /// Tables are compared only after a schema change on this node.
    func preparedPlan(_ id: [UInt8]) async throws(ErrorResponse) -> Plan? {
        guard let entry = prepared.withLock({ $0[PreparedID(bytes: id)] }) else { return nil }
        let current = schema.current
        if entry.generation == current.generation { return entry.plan }
        let unchanged = entry.plan.tables.allSatisfy { current.schema.table($0.keyspace, $0.name) == $0 }
        let plan = unchanged ? entry.plan : try await self.plan(entry.statement, sessionKeyspace: entry.keyspace)
        let updated = PreparedStatement(keyspace: entry.keyspace, statement: entry.statement, plan: plan,
                                        generation: current.generation, replication: try? replication(of: plan))
        prepared.withLock { $0[PreparedID(bytes: id)] = updated }
        return plan
    }

    /// For each partition key column in order, the bind marker that gives it (drivers route
    /// by them); empty unless every one is a marker.
    private static func partitionKeyIndexes(_ plan: Plan) -> [UInt16] {
        let keys: KeyRestrictions
        switch plan {
        case .modification(let modification): keys = modification.keys
        case .select(let select): keys = select.keys
        case .batch: return []
        }
        var indexes: [UInt16] = []
        for values in keys.partition {
            guard case .list(let operands) = values, operands.count == 1, case .marker(let index, _) = operands[0],
                  let wireIndex = UInt16(exactly: index) else { return [] }
            indexes.append(wireIndex)
        }
        return indexes
    }

    private func resultColumns(_ plan: Plan) -> [ColumnSpecification] {
        if case .select(let select) = plan { return select.resultSpecifications }
        return []
    }

    // MARK: Execution

    /// Runs a planned statement; a batch's answer may carry client warnings (its size).
    func execute(_ plan: Plan, parameters: QueryParameters) async -> CQLResponse {
        do throws(ErrorResponse) {
            let values = try Self.positionalValues(parameters.values, markers: plan.markers)
            let bindings = Bindings(values: values, context: termContext())
            switch plan {
            case .modification(let modification):
                _ = try await write([(modification, bindings)], parameters: parameters, batch: nil)  // Warnings are for batches.
                return CQLResponse(.result(.void))
            case .batch(let plans, let batch):
                var offset = 0
                var bound: [(ModificationPlan, Bindings)] = []
                for modification in plans {
                    let count = modification.markers.count
                    bound.append((modification, Bindings(values: Array(values[offset..<min(values.count, offset + count)]),
                                                         context: bindings.context)))
                    offset += count
                }
                let warnings = try await write(bound, parameters: parameters, batch: batch.kind == .unlogged ? .unlogged : .logged)
                return CQLResponse(.result(.void), warnings: warnings)
            case .select(let select):
                let (rows, report) = try await read(select, bindings: bindings, parameters: parameters)
                let payload = report.map { [ScanReport.payloadKey: $0.payload(naming: coordinator.hostName)] } ?? [:]
                return CQLResponse(.result(.rows(rows)), customPayload: payload)
            }
        } catch {
            return CQLResponse(.error(error))
        }
    }

    /// Runs a point write or read at once, without suspending, when this node alone serves
    /// it and the write waits for no fsync: the answer, the same `execute` would give. Nil,
    /// with nothing done, when the statement needs `execute` (several partitions, other
    /// replicas, a read before the write, paging, a batch).
    func executeAtOnce(_ prepared: PreparedStatement, parameters: QueryParameters) -> CQLResponse? {
        guard let replication = prepared.replication else { return nil }
        do throws(ErrorResponse) {
            switch prepared.plan {
            case .modification(let modification):
                return try writeAtOnce(modification, replication: replication, parameters: parameters)
                    ? CQLResponse(.result(.void)) : nil
            case .select(let select):
                guard select.readsSingleRows, parameters.pagingState == nil,
                      let rows = try readAtOnce(select, replication: replication, parameters: parameters) else { return nil }
                return CQLResponse(.result(.rows(rowsResult(select, rows: rows, pagingState: nil,
                                                            skipMetadata: parameters.skipMetadata))))
            case .batch:
                return nil
            }
        } catch {
            return CQLResponse(.error(error))
        }
    }

    /// `write` of one statement on one partition, applied in place; false, with nothing
    /// written, when it needs `write`.
    private func writeAtOnce(_ plan: ModificationPlan, replication: KeyspaceReplication,
                             parameters: QueryParameters) throws(ErrorResponse) -> Bool {
        // One clock reading for the terms, the write time and the deletion time (perf: three
        // readings were 1% of a node's CPU on writes).
        let nowMicros = clock.nowMicros()
        let bindings = Bindings(values: try Self.positionalValues(parameters.values, markers: plan.markers),
                                context: termContext(nowMicros: nowMicros))
        guard try plan.rowsToRead(bindings).isEmpty else { return false }
        let consistency = try Self.consistency(parameters.consistency, forWrite: true)
        let writeTimestamp = parameters.defaultTimestamp ?? coordinator.nextTimestamp(nowMicros: nowMicros)
        let nowSeconds = clock.seconds(ofMicros: nowMicros)
        var othersAnswer = false
        let singleRow = try plan.singleRowWrite(bindings, writeTimestamp: writeTimestamp, nowSeconds: nowSeconds) {
            othersAnswer = !coordinator.canWriteInPlace(partitionKey: $0, replication: replication, consistency: consistency)
            return !othersAnswer
        }
        // Its mutation would be refused in place for the same reason.
        if othersAnswer { return false }
        do {
            if let singleRow, try coordinator.writeInPlace(singleRow, consistency: consistency) { return true }
        } catch {
            throw ErrorResponse(coordinatorError: error)
        }
        var mutations = try plan.mutations(bindings, writeTimestamp: writeTimestamp, nowSeconds: nowSeconds,
                                           uniquifier: nextUniquifier())
        // Moved out of the array: `mutations[0]` copied it (a reference count on each part).
        guard mutations.count == 1, let mutation = mutations.popLast() else { return false }
        do {
            return try coordinator.writeInPlace(mutation, replication: replication, consistency: consistency)
        } catch {
            throw ErrorResponse(coordinatorError: error)
        }
    }

    /// A point SELECT's rows, read in place; nil when it needs `read`.
    private func readAtOnce(_ plan: SelectPlan, replication: KeyspaceReplication,
                            parameters: QueryParameters) throws(ErrorResponse) -> [[[UInt8]?]]? {
        let nowMicros = clock.nowMicros()  // One reading, as in `writeAtOnce`.
        let bindings = Bindings(values: try Self.positionalValues(parameters.values, markers: plan.markers),
                                context: termContext(nowMicros: nowMicros))
        let execution = SelectExecution(plan: plan, bindings: bindings, coordinator: coordinator,
                                        replication: replication,
                                        consistency: try Self.consistency(parameters.consistency, forWrite: false),
                                        nowSeconds: clock.seconds(ofMicros: nowMicros))
        return try execution.pointRows()
    }

    /// Tells apart the list cells of statements written in the same microsecond.
    private func nextUniquifier() -> UInt32 {
        uniquifierBase &+ uniquifierCount.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// A BATCH request of `type`: each statement with its own values, written together.
    func executeBatch(_ statements: [(Plan, [ProtocolValue])], type: BatchRequest.BatchType,
                      parameters: QueryParameters) async -> CQLResponse {
        do throws(ErrorResponse) {
            guard type != .counter else { throw ErrorResponse(.invalid, message: "Counters are not supported") }
            let context = termContext()
            var bound: [(ModificationPlan, Bindings)] = []
            for (plan, values) in statements {
                guard case .modification(let modification) = plan else {
                    throw ErrorResponse(.invalid, message: "Only INSERT, UPDATE and DELETE statements are allowed in a batch")
                }
                guard values.count == modification.markers.count else {
                    throw ErrorResponse(.invalid, message: "There were \(modification.markers.count) markers(?) in CQL but \(values.count) bound variables")
                }
                bound.append((modification, Bindings(values: values, context: context)))
            }
            let warnings = try await write(bound, parameters: parameters, batch: type == .unlogged ? .unlogged : .logged)
            return CQLResponse(.result(.void), warnings: warnings)
        } catch {
            return CQLResponse(.error(error))
        }
    }

    /// Writes the statements' mutations, per keyspace; a batch (`batch` not nil) is first
    /// checked against the batch limits (returning their warnings) and written through the
    /// coordinator's batch path (the batchlog for a logged one over several partitions).
    private func write(_ statements: [(ModificationPlan, Bindings)], parameters: QueryParameters,
                       batch: CQLBatchKind?) async throws(ErrorResponse) -> [String] {
        let consistency = try Self.consistency(parameters.consistency, forWrite: true)
        let timestamp = parameters.defaultTimestamp ?? coordinator.nextTimestamp()
        let now = clock.nowSeconds()
        var byKeyspace: [String: [Mutation]] = [:]
        var order: [String] = []
        let uniquifier = nextUniquifier()
        for (index, (plan, bindings)) in statements.enumerated() {
            let keyspace = plan.layout.keyspace
            if byKeyspace[keyspace] == nil { order.append(keyspace) }
            let current = try await currentRows(plan, bindings: bindings, consistency: consistency)
            byKeyspace[keyspace, default: []] += try plan.mutations(bindings, writeTimestamp: timestamp, nowSeconds: now,
                                                                   uniquifier: uniquifier, statement: index, currentRows: current)
        }
        var groups: [KeyspaceMutations] = []
        for keyspace in order {
            groups.append(KeyspaceMutations(replication: try self.replication(keyspace),
                                            mutations: Mutation.merged(byKeyspace[keyspace] ?? [])))
        }
        guard let batch else {
            for group in groups {
                try await coordinated { () async throws(CoordinatorError) in
                    try await coordinator.write(group.mutations, replication: group.replication, consistency: consistency)
                }
            }
            return []
        }
        let tableNames = Dictionary(statements.map { ($0.0.layout.schema.id, "\($0.0.layout.keyspace).\($0.0.layout.name)") },
                                    uniquingKeysWith: { first, _ in first })
        return try await coordinated { () async throws(CoordinatorError) -> [String] in
            let warnings = try batchLimits.check(groups, tableNames: tableNames, logged: batch == .logged)
            try await coordinator.writeBatch(groups, logged: batch == .logged, consistency: consistency)
            return warnings
        }
    }

    /// The live rows a list operation by index or value must read before it writes, read at
    /// the write's consistency level (ONE for ANY), as Cassandra reads them.
    private func currentRows(_ plan: ModificationPlan, bindings: Bindings,
                             consistency: ConsistencyLevel) async throws(ErrorResponse) -> [ModificationPlan.RowAddress: Row] {
        let addresses = try plan.rowsToRead(bindings)
        guard !addresses.isEmpty else { return [:] }
        let replication = try self.replication(plan.layout.keyspace)
        let readConsistency: ConsistencyLevel = consistency == .any ? .one : consistency
        var rows: [ModificationPlan.RowAddress: Row] = [:]
        for address in addresses {
            let bound = ClusteringBound(prefix: address.clustering, isInclusive: true)
            let command = ReadCommand(table: plan.layout.schema.id,
                                      selection: .partition(key: address.partitionKey, start: bound, end: bound),
                                      after: nil, maxLiveRows: 1)
            let result = try await coordinated { () async throws(CoordinatorError) in
                try await coordinator.read(command, replication: replication, consistency: readConsistency)
            }
            let row = result.partitions.first?.rows.first { $0.clustering == address.clustering }
            if let row { rows[address] = row }
        }
        return rows
    }

    /// The rows of a SELECT, and what the replicas did when they filtered.
    private func read(_ plan: SelectPlan, bindings: Bindings,
                      parameters: QueryParameters) async throws(ErrorResponse) -> (RowsResult, ScanReport?) {
        let consistency = try Self.consistency(parameters.consistency, forWrite: false)
        let execution = SelectExecution(plan: plan, bindings: bindings, coordinator: coordinator,
                                        replication: try replication(plan.layout.keyspace),
                                        consistency: consistency, nowSeconds: clock.nowSeconds())
        var previous: PagingState?
        if let bytes = parameters.pagingState {
            guard let state = PagingState(decoding: bytes) else {
                throw ErrorResponse(.protocolError, message: "Invalid value for the paging state")
            }
            previous = state
        }
        let pageSize = parameters.pageSize.map(Int.init) ?? 0
        if pageSize > 0 {
            let page = try await execution.page(size: pageSize, from: previous)
            return (rowsResult(plan, rows: page.rows, pagingState: page.next?.encoded(), skipMetadata: parameters.skipMetadata),
                    page.scanReport)
        }
        var rows: [[[UInt8]?]] = []
        var report: ScanReport?
        while true {
            let page = try await execution.page(size: Self.unpagedChunk, from: previous)
            rows += page.rows
            if let pageReport = page.scanReport {
                if report == nil { report = ScanReport() }
                report?.add(pageReport)
            }
            guard let next = page.next else { break }
            guard rows.count < Self.maxUnpagedRows else {
                throw ErrorResponse(.invalid, message: "The result has more than \(Self.maxUnpagedRows) rows; ask for it in pages (set a page size)")
            }
            previous = next
        }
        return (rowsResult(plan, rows: rows, pagingState: nil, skipMetadata: parameters.skipMetadata), report)
    }

    private func rowsResult(_ plan: SelectPlan, rows: [[[UInt8]?]], pagingState: [UInt8]?, skipMetadata: Bool) -> RowsResult {
        let columns = plan.resultSpecifications
        let metadata = skipMetadata
            ? RowsMetadata(noMetadataColumnCount: columns.count, pagingState: pagingState)
            : RowsMetadata(columns: columns, pagingState: pagingState)
        return RowsResult(metadata: metadata, rows: plan.resultRows(rows))
    }

    // MARK: Helpers

    /// The replication of the keyspace a plan writes or reads; nil for a batch (its
    /// statements may name several keyspaces).
    private func replication(of plan: Plan) throws(ErrorResponse) -> KeyspaceReplication? {
        switch plan {
        case .modification(let modification): try replication(modification.layout.keyspace)
        case .select(let select): try replication(select.layout.keyspace)
        case .batch: nil
        }
    }

    private func replication(_ keyspace: String) throws(ErrorResponse) -> KeyspaceReplication {
        let generation = schema.generation
        let cached = replications.withLock { $0.generation == generation ? $0.byKeyspace[keyspace] : nil }
        if let cached { return cached }
        let current = schema.current
        guard let definition = current.schema.keyspace(keyspace) else {
            throw ErrorResponse(.invalid, message: "Keyspace \(keyspace) does not exist")
        }
        let replication = KeyspaceReplication(keyspace: keyspace, strategy: try ReplicationStrategies.strategy(for: definition))
        replications.withLock { cache in
            if cache.generation != current.generation { cache = (current.generation, [:]) }
            cache.byKeyspace[keyspace] = replication
        }
        return replication
    }

    /// The level a read or write runs at; ANY reads and serial levels are refused.
    static func consistency(_ consistency: ConsistencyLevel, forWrite: Bool) throws(ErrorResponse) -> ConsistencyLevel {
        switch consistency {
        case .any where !forWrite:
            throw ErrorResponse(.invalid, message: "ANY ConsistencyLevel is only supported for writes")
        case .serial, .localSerial:
            throw ErrorResponse(.invalid, message: forWrite
                ? "You must use conditional updates for serializable writes"
                : "\(consistency) reads need lightweight transactions, which are not supported; use QUORUM or LOCAL_QUORUM")
        default:
            return consistency
        }
    }

    /// The request's values in marker order (named values matched by marker name).
    static func positionalValues(_ values: QueryParameters.Values, markers: [ColumnSpecification]) throws(ErrorResponse) -> [ProtocolValue] {
        switch values {
        case .none:
            guard markers.isEmpty else {
                throw ErrorResponse(.invalid, message: "There were \(markers.count) markers(?) in CQL but 0 bound variables")
            }
            return []
        case .positional(let list):
            guard list.count == markers.count else {
                throw ErrorResponse(.invalid, message: "There were \(markers.count) markers(?) in CQL but \(list.count) bound variables")
            }
            return list
        case .named(let named):
            var byName: [String: ProtocolValue] = [:]
            for value in named { byName[value.name.lowercased()] = value.value }
            return try markers.map { marker throws(ErrorResponse) in
                guard let value = byName[marker.name.lowercased()] else {
                    throw ErrorResponse(.invalid, message: "No value has been provided for named bind variable \(marker.name)")
                }
                return value
            }
        }
    }
}

extension ModificationPlan {
    /// The same statement with `timestamp` (a batch's USING TIMESTAMP).
    func withTimestamp(_ timestamp: Operand) -> ModificationPlan {
        ModificationPlan(layout: layout, kind: kind, keys: keys, writes: writes,
                         timeToLive: timeToLive, timestamp: timestamp, markers: markers, json: json)
    }
}
