import CQL
import Coordinator
import KVCore

/// One execution of a SELECT: reads page by page through the coordinator and builds the
/// result rows, honouring LIMIT, PER PARTITION LIMIT, ORDER BY and paging.
struct SelectExecution {
    let plan: SelectPlan
    let bindings: Bindings
    let coordinator: StorageCoordinator
    let replication: KeyspaceReplication
    let consistency: ConsistencyLevel
    let nowSeconds: Int64

    /// Rows a DISTINCT range scan reads per coordinator call (it keeps one per partition).
    static let distinctRowsPerReadMax = 100

    /// Rows of one page and the state of the next (nil when done).
    struct Page {
        var rows: [[[UInt8]?]] = []
        var next: PagingState?
        /// What the replicas did, when they filtered (a pushed-down scan).
        var scanReport: ScanReport?
    }

    /// The next page of result rows. Aggregates read everything and answer one row, GROUP BY
    /// pages by groups; DISTINCT reads one row per partition.
    func page(size pageSize: Int, from previous: PagingState?) async throws(ErrorResponse) -> Page {
        if let aggregation = plan.aggregation { return try await aggregatedPage(aggregation, size: pageSize, from: previous) }
        let state: PagingState
        if let previous { state = previous } else { state = PagingState(remaining: try limit()) }
        var perPartition = try perPartitionLimit() ?? Int.max
        // DISTINCT is one row per partition: its key columns and statics are the same on all.
        if plan.isDistinct { perPartition = 1 }
        return try await rowPage(size: pageSize, state: state, perPartition: perPartition)
    }

    /// The row of a point read (one partition, one clustering, `plan.readsSingleRows`), read
    /// in place without suspending when this node alone serves it
    /// (`StorageCoordinator.readRowInPlace`). Nil when it needs `page`: several keys, or replicas.
    func pointRows() throws(ErrorResponse) -> [[[UInt8]?]]? {
        guard plan.readsSingleRows else { return nil }
        guard let partitionKey = try plan.keys.singlePartitionKey(plan.layout, bindings) else { return nil }
        let slices = try clusteringSlices()
        guard slices.count == 1 else { return nil }
        let (start, end) = slices[0]
        // One whole row: a full clustering (or none), from itself to itself.
        guard start.isInclusive, end.isInclusive, start.prefix == end.prefix else { return nil }
        // Checked as `page` checks them; any valid limit keeps the one row.
        _ = try limit()
        _ = try perPartitionLimit()
        switch coordinator.readRowInPlace(table: plan.layout.schema.id, partitionKey: partitionKey, clustering: start.prefix,
                                          replication: replication, consistency: consistency) {
        case .needsReplicas: return nil
        case .absent: return []
        case .live(let row): return [ResultRowBuilder(plan: plan, nowSeconds: nowSeconds).values(of: row, partitionKey: partitionKey)]
        }
    }

    /// Up to `pageSize` raw rows from `state` on, and the state after them (nil when done).
    func rowPage(size pageSize: Int, state start: PagingState, perPartition: Int) async throws(ErrorResponse) -> Page {
        var state = start
        var page = Page()
        if plan.keys.restrictsPartition {
            try await readPartitions(pageSize: pageSize, perPartition: perPartition, state: &state, page: &page)
        } else {
            try await readRange(pageSize: pageSize, perPartition: perPartition, state: &state, page: &page)
        }
        return page
    }

    /// PER PARTITION LIMIT's value, nil without one; it counts groups with GROUP BY.
    func perPartitionLimit() throws(ErrorResponse) -> Int? {
        guard let value = try bindings.integer(plan.perPartitionLimit, what: "per partition limit") else { return nil }
        guard value > 0 else { throw ErrorResponse(.invalid, message: "PER PARTITION LIMIT must be strictly positive") }
        return Int(value)
    }

    /// LIMIT's value (Int.max without one); it counts result rows, groups for GROUP BY.
    func limit() throws(ErrorResponse) -> Int {
        guard let value = try bindings.integer(plan.limit, what: "limit") else { return Int.max }
        guard value > 0 else { throw ErrorResponse(.invalid, message: "LIMIT must be strictly positive") }
        return Int(value)
    }

    // MARK: Named partitions

    private func readPartitions(pageSize: Int, perPartition: Int, state: inout PagingState,
                                page: inout Page) async throws(ErrorResponse) {
        let keys = try plan.keys.partitionKeys(plan.layout, bindings)
        let slices = try clusteringSlices()
        let builder = try rowBuilder()
        let clusteringRestricted = !plan.keys.clusteringEquals.isEmpty || plan.keys.hasSlice
        while state.partitionIndex < keys.count {
            let room = min(pageSize - page.rows.count, state.remaining, perPartition - state.rowsInPartition)
            guard room > 0 else { break }
            let key = keys[state.partitionIndex]
            let staticRow = plan.layout.hasStatics ? try await readStaticRow(key) : nil
            let (start, end) = slices[state.sliceIndex]
            var outputs: [ResultRowBuilder.Output]
            var sliceHasMore: Bool
            var readThrough: RowPosition?  // the last row read when the replica stopped at the limit
            if plan.isReversed {
                // Reversed slices are read whole and paged by offset (storage order is forward).
                let result = try await read(key, start, end, after: nil, limit: Int(Int32.max))
                let all = Array(result.partitions.flatMap { builder.rows(of: $0, staticRow: staticRow) }.reversed())
                outputs = Array(all.dropFirst(state.skip))
                sliceHasMore = outputs.count > room
            } else {
                // One more than room: the static row, when first, does not make a result row.
                let result = try await read(key, start, end, after: state.position, limit: room + (staticRow == nil ? 0 : 1))
                outputs = result.partitions.flatMap { builder.rows(of: $0, staticRow: staticRow) }
                let noRegularRows = !result.partitions.contains { builder.hasRegularRows($0) }
                if noRegularRows, result.nextPosition == nil, state.position == nil, !clusteringRestricted, let staticRow {
                    outputs = builder.staticOnlyRow(partitionKey: key, staticRow: staticRow).map { [$0] } ?? []
                }
                sliceHasMore = outputs.count > room || result.nextPosition != nil
                readThrough = result.nextPosition
                if outputs.isEmpty, let next = result.nextPosition, next != state.position {
                    state.position = next  // a page of deleted rows: continue after it
                    continue
                }
            }
            let taken = outputs.prefix(room)
            page.rows += taken.map(\.values)
            state.remaining -= taken.count
            state.rowsInPartition += taken.count
            let partitionFull = state.rowsInPartition >= perPartition
            if sliceHasMore && !partitionFull && !taken.isEmpty {
                if plan.isReversed {
                    state.skip += taken.count
                } else if taken.count == outputs.count, let next = readThrough {
                    state.position = next  // past the rows the filter left out, too
                } else {
                    state.position = RowPosition(partitionKey: key, clustering: taken.last!.clustering)
                }
                continue
            }
            state.position = nil
            state.skip = 0
            state.sliceIndex += 1
            if state.sliceIndex == slices.count || partitionFull {
                state.sliceIndex = 0
                state.partitionIndex += 1
                state.rowsInPartition = 0
            }
        }
        let done = state.partitionIndex >= keys.count || state.remaining <= 0
        page.next = done ? nil : state
    }

    /// The builder of this execution's result rows, with its filter bound.
    private func rowBuilder() throws(ErrorResponse) -> ResultRowBuilder {
        ResultRowBuilder(plan: plan, nowSeconds: nowSeconds, filter: try plan.filter?.bind(bindings))
    }

    private func read(_ key: [UInt8], _ start: ClusteringBound, _ end: ClusteringBound, after: RowPosition?,
                      limit: Int) async throws(ErrorResponse) -> ReadResult {
        let command = ReadCommand(table: plan.layout.schema.id, selection: .partition(key: key, start: start, end: end),
                                  after: after, maxLiveRows: limit)
        return try await coordinated { () async throws(CoordinatorError) in
            try await coordinator.read(command, replication: replication, consistency: consistency)
        }
    }

    /// A partition's live static row (the first row in storage order when it exists).
    private func readStaticRow(_ key: [UInt8]) async throws(ErrorResponse) -> Row? {
        let result = try await read(key, .unbounded, .unbounded, after: nil, limit: 1)
        return result.partitions.first.flatMap(ResultRowBuilder(plan: plan, nowSeconds: nowSeconds).staticRow(of:))
    }

    /// The one slice of a read without clustering restrictions, shared (no array per read).
    private static let wholePartition: [(ClusteringBound, ClusteringBound)] = [(.unbounded, .unbounded)]

    /// The clustering bounds to read in each partition, one per equality combination, in
    /// clustering order (reversed for a reversed ORDER BY).
    private func clusteringSlices() throws(ErrorResponse) -> [(ClusteringBound, ClusteringBound)] {
        guard !plan.keys.clusteringEquals.isEmpty || plan.keys.hasSlice else { return Self.wholePartition }
        var slices: [(ClusteringBound, ClusteringBound)] = []
        for prefix in try plan.keys.clusteringPrefixes(plan.layout, bindings) {
            slices.append(try SliceBounds.make(prefix: prefix, lower: plan.keys.sliceLower, upper: plan.keys.sliceUpper,
                                               layout: plan.layout, bindings: bindings))
        }
        slices.sort { $0.0.prefix.lexicographicallyPrecedes($1.0.prefix) }
        return plan.isReversed ? slices.reversed() : slices
    }

    // MARK: Token range scans

    private func readRange(pageSize: Int, perPartition: Int, state: inout PagingState,
                           page: inout Page) async throws(ErrorResponse) {
        let (from, to) = try tokenBounds()
        if let request = try pushedDownScan(from: from, to: to, perPartition: perPartition) {
            return try await readPushedDown(request, pageSize: pageSize, state: &state, page: &page)
        }
        let builder = try rowBuilder()
        while true {
            let room = min(pageSize - page.rows.count, state.remaining)
            guard room > 0 else { break }
            let after = state.position
            // DISTINCT keeps one row of each partition: a full page of rows could all come from
            // the first, large partition, so read fewer at a time.
            let readSize = plan.isDistinct ? min(room, Self.distinctRowsPerReadMax) : room
            let result = try await coordinated { () async throws(CoordinatorError) in
                try await coordinator.readRange(table: plan.layout.schema.id, from: from, to: to, after: after,
                                                pageSize: readSize, replication: replication, consistency: consistency)
            }
            var trimmed = false
            for partition in result.partitions {
                let continuing = state.position?.partitionKey == partition.partitionKey
                if !continuing { state.rowsInPartition = 0 }
                var staticRow = builder.staticRow(of: partition)
                if staticRow == nil && continuing && plan.layout.hasStatics {
                    staticRow = try await readStaticRow(partition.partitionKey)
                }
                var outputs = builder.rows(of: partition, staticRow: staticRow)
                if !builder.hasRegularRows(partition), !continuing, let staticRow {
                    outputs = builder.staticOnlyRow(partitionKey: partition.partitionKey, staticRow: staticRow).map { [$0] } ?? []
                }
                for output in outputs {
                    guard page.rows.count < pageSize, state.remaining > 0 else { trimmed = true; break }
                    guard state.rowsInPartition < perPartition else { break }
                    page.rows.append(output.values)
                    state.remaining -= 1
                    state.rowsInPartition += 1
                    state.position = RowPosition(partitionKey: partition.partitionKey, clustering: output.clustering)
                }
                if state.rowsInPartition >= perPartition {
                    // Skip the rest of this partition: no clustering key starts with 0xFF.
                    state.position = RowPosition(partitionKey: partition.partitionKey, clustering: [0xFF])
                }
                if trimmed { break }
            }
            if !trimmed && result.nextPosition == nil { state.position = nil; page.next = nil; return }
            if !trimmed, let next = result.nextPosition, state.position.map({ $0 < next }) ?? true { state.position = next }
        }
        page.next = state.remaining > 0 ? state : nil
    }

    /// Storage-key bounds from `token(...)` restrictions.
    func tokenBounds() throws(ErrorResponse) -> ([UInt8]?, [UInt8]?) {
        func token(_ end: RangeEnd?) throws(ErrorResponse) -> (Token, Bool)? {
            guard let end, let value = try bindings.integer(end.operand, what: "token") else { return nil }
            return (Token(value), end.isInclusive)
        }
        var from: [UInt8]?
        var to: [UInt8]?
        if let (lower, inclusive) = try token(plan.keys.tokenLower) {
            from = inclusive ? StoragePartitionKey.lowerBound(lower) : (lower == .maximum ? [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] : StoragePartitionKey.lowerBound(Token(lower.value + 1)))
        }
        if let (upper, inclusive) = try token(plan.keys.tokenUpper) {
            if inclusive {
                to = upper == .maximum ? nil : StoragePartitionKey.lowerBound(Token(upper.value + 1))
            } else {
                to = StoragePartitionKey.lowerBound(upper)
            }
        }
        return (from, to)
    }
}

/// Runs a coordinator call, turning its errors into the protocol's.
func coordinated<T>(_ body: () async throws(CoordinatorError) -> T) async throws(ErrorResponse) -> T {
    do {
        return try await body()
    } catch {
        throw ErrorResponse(coordinatorError: error)
    }
}

extension ErrorResponse {
    /// The protocol error for `error`; write timeouts and failures carry `writeType`, or the
    /// batch write type the error is marked with.
    init(coordinatorError error: CoordinatorError, writeType: WriteType = .simple) {
        switch error {
        case let .batch(type, inner):
            self.init(coordinatorError: inner, writeType: WriteType(type))
        case let .unavailable(cl, required, alive):
            self.init(.unavailable(consistency: cl, required: Int32(required), alive: Int32(alive)), message: error.description)
        case let .writeTimeout(cl, received, blockFor):
            self.init(.writeTimeout(consistency: cl, received: Int32(received), blockFor: Int32(blockFor), writeType: writeType),
                      message: error.description)
        case let .readTimeout(cl, received, blockFor, dataPresent):
            self.init(.readTimeout(consistency: cl, received: Int32(received), blockFor: Int32(blockFor), dataPresent: dataPresent),
                      message: error.description)
        case let .writeFailure(cl, received, blockFor, failures, _):
            self.init(.writeFailure(consistency: cl, received: Int32(received), blockFor: Int32(blockFor),
                                    failureCount: Int32(failures), writeType: writeType), message: error.description)
        case let .readFailure(cl, received, blockFor, failures, _):
            self.init(.readFailure(consistency: cl, received: Int32(received), blockFor: Int32(blockFor),
                                   failureCount: Int32(failures), dataPresent: false), message: error.description)
        case .invalid(let message):
            self.init(.invalid, message: message)
        }
    }
}

extension WriteType {
    init(_ type: BatchWriteType) {
        switch type {
        case .batchLog: self = .batchLog
        case .batch: self = .batch
        case .unloggedBatch: self = .unloggedBatch
        }
    }
}
