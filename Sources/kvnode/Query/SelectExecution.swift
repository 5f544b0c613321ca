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

    /// Rows of one page and the state of the next (nil when done).
    struct Page {
        var rows: [[[UInt8]?]] = []
        var next: PagingState?
    }

    func page(size pageSize: Int, from previous: PagingState?) async throws(ErrorResponse) -> Page {
        var state: PagingState
        if let previous { state = previous } else { state = PagingState(remaining: try limit()) }
        var page = Page()
        let perPartition = try bindings.integer(plan.perPartitionLimit, what: "per partition limit").map { Int($0) } ?? Int.max
        guard perPartition > 0 else { throw ErrorResponse(.invalid, message: "PER PARTITION LIMIT must be strictly positive") }
        if plan.keys.restrictsPartition {
            try await readPartitions(pageSize: pageSize, perPartition: perPartition, state: &state, page: &page)
        } else {
            try await readRange(pageSize: pageSize, perPartition: perPartition, state: &state, page: &page)
        }
        return page
    }

    private func limit() throws(ErrorResponse) -> Int {
        guard let value = try bindings.integer(plan.limit, what: "limit") else { return Int.max }
        guard value > 0 else { throw ErrorResponse(.invalid, message: "LIMIT must be strictly positive") }
        return Int(value)
    }

    // MARK: Named partitions

    private func readPartitions(pageSize: Int, perPartition: Int, state: inout PagingState,
                                page: inout Page) async throws(ErrorResponse) {
        let keys = try plan.keys.partitionKeys(plan.layout, bindings)
        let slices = try clusteringSlices()
        let builder = ResultRowBuilder(plan: plan, nowSeconds: nowSeconds)
        let clusteringRestricted = !plan.keys.clusteringEquals.isEmpty || plan.keys.hasSlice
        while state.partitionIndex < keys.count && state.sliceIndex < slices.count {
            let room = min(pageSize - page.rows.count, state.remaining, perPartition - state.rowsInPartition)
            guard room > 0 else { break }
            let (start, end) = slices[state.sliceIndex]
            let command = ReadCommand(table: plan.layout.schema.id,
                                      selection: .partition(key: keys[state.partitionIndex], start: start, end: end),
                                      after: plan.isReversed ? nil : state.position,
                                      maxLiveRows: plan.isReversed ? Int(Int32.max) : room)
            let result = try await coordinated { () async throws(CoordinatorError) in
                try await coordinator.read(command, replication: replication, consistency: consistency)
            }
            var outputs = result.partitions.flatMap { builder.rows(of: $0, clusteringRestricted: clusteringRestricted) }
            if plan.isReversed { outputs.reverse() }
            let taken = outputs.prefix(room)
            page.rows += taken.map(\.values)
            state.remaining -= taken.count
            state.rowsInPartition += taken.count
            let partitionFull = state.rowsInPartition >= perPartition
            if !plan.isReversed, !partitionFull, taken.count < outputs.count || result.nextPosition != nil {
                // More in this slice: resume after the last row returned.
                state.position = taken.last.map { RowPosition(partitionKey: keys[state.partitionIndex], clustering: $0.clustering) }
                    ?? result.nextPosition
                continue
            }
            state.position = nil
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

    /// The clustering bounds to read in each partition, one per equality combination.
    private func clusteringSlices() throws(ErrorResponse) -> [(ClusteringBound, ClusteringBound)] {
        guard !plan.keys.clusteringEquals.isEmpty || plan.keys.hasSlice else { return [(.unbounded, .unbounded)] }
        var slices: [(ClusteringBound, ClusteringBound)] = []
        for prefix in try plan.keys.clusteringPrefixes(plan.layout, bindings) {
            slices.append(try SliceBounds.make(prefix: prefix, lower: plan.keys.sliceLower, upper: plan.keys.sliceUpper,
                                               layout: plan.layout, bindings: bindings))
        }
        if plan.layout.clustering.first?.descending == false || plan.layout.clustering.isEmpty {
            return slices
        }
        return slices.sorted { $0.0.prefix.lexicographicallyPrecedes($1.0.prefix) }
    }

    // MARK: Token range scans

    private func readRange(pageSize: Int, perPartition: Int, state: inout PagingState,
                           page: inout Page) async throws(ErrorResponse) {
        let (from, to) = try tokenBounds()
        let builder = ResultRowBuilder(plan: plan, nowSeconds: nowSeconds)
        while true {
            let room = min(pageSize - page.rows.count, state.remaining)
            guard room > 0 else { break }
            let after = state.position
            let result = try await coordinated { () async throws(CoordinatorError) in
                try await coordinator.readRange(table: plan.layout.schema.id, from: from, to: to, after: after,
                                                pageSize: room, replication: replication, consistency: consistency)
            }
            var trimmed = false
            for partition in result.partitions {
                let continuing = state.position?.partitionKey == partition.partitionKey
                if !continuing { state.rowsInPartition = 0 }
                for output in builder.rows(of: partition, clusteringRestricted: false) {
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
    private func tokenBounds() throws(ErrorResponse) -> ([UInt8]?, [UInt8]?) {
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
    init(coordinatorError error: CoordinatorError) {
        func level(_ level: ConsistencyLevel) -> ProtocolConsistency { ProtocolConsistency(rawValue: level.rawValue) ?? .one }
        switch error {
        case let .unavailable(cl, required, alive):
            self.init(.unavailable(consistency: level(cl), required: Int32(required), alive: Int32(alive)), message: error.description)
        case let .writeTimeout(cl, received, blockFor):
            self.init(.writeTimeout(consistency: level(cl), received: Int32(received), blockFor: Int32(blockFor), writeType: .simple),
                      message: error.description)
        case let .readTimeout(cl, received, blockFor, dataPresent):
            self.init(.readTimeout(consistency: level(cl), received: Int32(received), blockFor: Int32(blockFor), dataPresent: dataPresent),
                      message: error.description)
        case let .writeFailure(cl, received, blockFor, failures, _):
            self.init(.writeFailure(consistency: level(cl), received: Int32(received), blockFor: Int32(blockFor),
                                    failureCount: Int32(failures), writeType: .simple), message: error.description)
        case let .readFailure(cl, received, blockFor, failures, _):
            self.init(.readFailure(consistency: level(cl), received: Int32(received), blockFor: Int32(blockFor),
                                   failureCount: Int32(failures), dataPresent: false), message: error.description)
        case .invalid(let message):
            self.init(.invalid, message: message)
        }
    }
}
