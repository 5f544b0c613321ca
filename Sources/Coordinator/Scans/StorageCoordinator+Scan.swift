import KVCore
import Messaging

/// What a filtered scan reads: a table's token range, the filter and what to return.
public struct ScanRequest: Sendable {
    public var table: TableID
    /// First storage key (inclusive) and end (exclusive) of the whole scan; nil: open.
    public var from: [UInt8]?
    public var to: [UInt8]?
    public var filter: RowPredicate?
    public var keyLayout: ScanKeyLayout
    /// The columns whose cells matched rows carry; nil for all.
    public var columns: [UInt32]?
    /// Count the matches instead of returning them.
    public var countOnly: Bool

    public init(table: TableID, from: [UInt8]?, to: [UInt8]?, filter: RowPredicate?, keyLayout: ScanKeyLayout,
                columns: [UInt32]?, countOnly: Bool) {
        self.table = table
        self.from = from
        self.to = to
        self.filter = filter
        self.keyLayout = keyLayout
        self.columns = columns
        self.countOnly = countOnly
    }
}

/// One page of a filtered scan.
public struct ScanPage: Sendable {
    /// Matched rows with the requested cells, in token order (empty when counting).
    public var partitions: [PartitionUpdate] = []
    /// Rows matched in this page.
    public var matchedCount = 0
    /// Resume strictly after this row for the next page; nil when the scan is complete.
    public var nextPosition: RowPosition?
    /// The work each replica did for this page.
    public var statistics: [HostID: ScanStatistics] = [:]
    /// Sub-ranges finished once this page is delivered, of `rangesTotal`.
    public var rangesDone = 0
    public var rangesTotal = 0
}

/// Filtered scans pushed down to the replicas (DESIGN §8): the ring is cut into token
/// sub-ranges (`ScanRanges`), which are read in parallel, each from one of its live
/// replicas in turn so that all nodes work, with at most `scanConcurrency` requests out at
/// once. Results are delivered in token order, so a page ends at a row position from which
/// the next page resumes exactly.
///
/// Replicas filter their own data, which is exact when one replica answers for a range:
/// the coordinator uses this only at ONE and LOCAL_ONE (see `canPushDownScan`).
extension StorageCoordinator {
    /// Requests out at once per live node of the ring.
    static let scanRequestsPerNode = 2
    /// Live rows a replica scans per request before answering, which bounds its time.
    static let scanRowsPerRequest = 131_072

    /// Whether a filtered scan at `consistency` can be evaluated on the replicas.
    public static func canPushDownScan(at consistency: ConsistencyLevel) -> Bool {
        consistency == .one || consistency == .localOne
    }

    /// The next page of `request` after `after`: up to `pageSize` matches (when counting,
    /// every match counts and none is returned), or fewer when `budgetNanos` pass first; a
    /// page may then hold no rows and still continue.
    public func scan(_ request: ScanRequest, after: RowPosition?, pageSize: Int, budgetNanos: UInt64,
                     replication: KeyspaceReplication, consistency: ConsistencyLevel) async throws(CoordinatorError) -> ScanPage {
        let deadlineNanos = clock.monotonicNanos() &+ budgetNanos
        let view = self.view()
        let map = replicaMap(replication, view: view)
        let ownedFraction = ScanRanges.ownedFraction(of: view.localHost, in: map)
        let localRows = storage.estimatedRowCount(request.table)
        let estimatedRows = ownedFraction > 0 ? Int(Double(localRows) / ownedFraction) : localRows
        let ranges = ScanRanges.plan(map, from: request.from, to: request.to, estimatedRows: estimatedRows)
        var page = ScanPage()
        page.rangesTotal = ranges.count
        // Ranges wholly before `after` are done; the next one resumes after it.
        let first = ranges.firstIndex { range in
            guard let after, let to = range.to else { return true }
            return after.partitionKey.lexicographicallyPrecedes(to)
        } ?? ranges.count
        page.rangesDone = first
        let plans = try ranges[first...].enumerated().map { (offset, range) throws(CoordinatorError) in
            try RangeScan(range: range, after: offset == 0 ? after : nil, index: first + offset, view: view,
                          replication: replication, consistency: consistency)
        }
        let concurrency = max(1, Self.scanRequestsPerNode * view.alive.count)
        let rowsPerRange = max(1, estimatedRows / max(1, ranges.count))
        try await collect(plans, request: request, pageSize: pageSize, rowsPerRange: rowsPerRange, deadlineNanos: deadlineNanos,
                          concurrency: concurrency, view: view, into: &page)
        return page
    }

    /// One sub-range to scan and the replicas that may answer for it.
    struct RangeScan: Sendable {
        let range: ScanRanges.Range
        let after: RowPosition?
        /// Live replicas to ask, first choice first (rotated by the range's index).
        let replicas: [HostID]

        init(range: ScanRanges.Range, after: RowPosition?, index: Int, view: ClusterView,
             replication: KeyspaceReplication, consistency: ConsistencyLevel) throws(CoordinatorError) {
            self.range = range
            self.after = after
            let selection = try ReplicaSelection(replicas: range.replicas, consistency: consistency, view: view,
                                                 replication: replication)
            let local = selection.candidates.filter { view.datacenter(of: $0) == view.localDatacenter }
            let pool = local.isEmpty ? selection.candidates : local
            let shift = index % pool.count
            replicas = Array(pool[shift...] + pool[..<shift]) + selection.candidates.filter { !pool.contains($0) }
        }
    }

    /// What one sub-range's scan gave: its matches up to a limit and where it stopped.
    struct RangeResult: Sendable {
        var reply: ScanReply
        var replica: HostID
    }

    /// Runs the sub-ranges, at most `concurrency` at once and at most twice that ahead of the
    /// one being delivered (so a slow range does not leave the others idle), and appends
    /// their results to `page` in order until the page is full, the deadline passes or the
    /// ranges end. At most `2 × concurrency` results wait in memory.
    ///
    /// Ranges after the one being delivered are read ahead only while the matches expected
    /// of them (at the density seen so far, about `rowsPerRange` rows each) leave room in the
    /// page: when most rows match, the first range fills the page alone, and reading ahead
    /// would be work thrown away and repeated by the next page.
    private func collect(_ plans: [RangeScan], request: ScanRequest, pageSize: Int, rowsPerRange: Int, deadlineNanos: UInt64,
                         concurrency: Int, view: ClusterView, into page: inout ScanPage) async throws(CoordinatorError) {
        let outcome: Result<Void, CoordinatorError> = await withTaskGroup(of: (Int, Result<RangeResult, CoordinatorError>).self) { group in
            var started = 0, completed = 0
            var scanned = 0, matched = 0  // over the answers received, for the density
            var finished: [Int: RangeResult] = [:]
            var next = 0
            defer { group.cancelAll() }
            func readingAheadPays() -> Bool {
                guard !request.countOnly else { return true }
                guard scanned > 0 else { return false }
                let expected = Double(matched) / Double(scanned) * Double(rowsPerRange) * Double(started - next)
                return Double(page.matchedCount) + expected < Double(pageSize)
            }
            /// The range to deliver always runs; the ones after it while time is left and they pay.
            func startMore() {
                while started < min(plans.count, next + 2 * concurrency), started - completed < concurrency,
                      started == next || (clock.monotonicNanos() < deadlineNanos && readingAheadPays()) {
                    let index = started, plan = plans[index]
                    started += 1
                    group.addTask(executorPreference: scanExecutor) {
                        (index, await self.scanRange(plan, after: plan.after, request: request, maxMatched: pageSize, view: view))
                    }
                }
            }
            while next < plans.count {
                startMore()
                while finished[next] == nil {
                    guard let (index, result) = await group.next() else { return .success(()) }
                    completed += 1
                    switch result {
                    case .success(let value):
                        finished[index] = value
                        scanned += value.reply.statistics.rowsScanned
                        matched += value.reply.statistics.rowsMatched
                    case .failure(let error): return .failure(error)
                    }
                    startMore()
                }
                var result = finished.removeValue(forKey: next)!
                while true {
                    if let stop = take(result, room: pageSize - page.matchedCount, request: request, into: &page) {
                        page.nextPosition = stop
                        return .success(())
                    }
                    guard let resume = result.reply.resumeAfter else { break }
                    // The range stopped at its limits: continue it while the page has room and time.
                    guard page.matchedCount < pageSize, clock.monotonicNanos() < deadlineNanos else {
                        page.nextPosition = resume
                        return .success(())
                    }
                    switch await scanRange(plans[next], after: resume, request: request,
                                           maxMatched: pageSize - page.matchedCount, view: view) {
                    case .success(let more): result = more
                    case .failure(let error): return .failure(error)
                    }
                }
                next += 1
                page.rangesDone += 1
                let outOfTime = next >= started && clock.monotonicNanos() >= deadlineNanos
                if next < plans.count, page.matchedCount >= pageSize || outOfTime, let end = plans[next - 1].range.to {
                    page.nextPosition = RowPosition(partitionKey: end, clustering: [])
                    return .success(())
                }
            }
            return .success(())
        }
        try outcome.get()
    }

    /// Appends `result`'s rows to the page, up to `room` matches. Returns the position to
    /// resume after when the page filled before the result's end, else nil.
    private func take(_ result: RangeResult, room: Int, request: ScanRequest, into page: inout ScanPage) -> RowPosition? {
        page.statistics[result.replica, default: ScanStatistics()] += result.reply.statistics
        if request.countOnly {
            page.matchedCount += result.reply.matchedCount
            return nil
        }
        var left = room
        for partition in result.reply.partitions {
            if left == 0 { return lastPosition(of: page) }
            var kept = partition
            if partition.rows.count > left { kept.rows = Array(partition.rows.prefix(left)) }
            left -= kept.rows.count
            page.matchedCount += kept.rows.count
            if let last = page.partitions.last, last.partitionKey == kept.partitionKey {
                page.partitions[page.partitions.count - 1].rows += kept.rows
            } else {
                page.partitions.append(kept)
            }
            if kept.rows.count < partition.rows.count { return lastPosition(of: page) }
        }
        return nil
    }

    private func lastPosition(of page: ScanPage) -> RowPosition? {
        guard let last = page.partitions.last, let row = last.rows.last else { return nil }
        return RowPosition(partitionKey: last.partitionKey, clustering: row.clustering)
    }

    /// Scans one sub-range from `after` until `maxMatched` matches or the range's end,
    /// asking its replicas in turn until one answers.
    private func scanRange(_ plan: RangeScan, after: RowPosition?, request: ScanRequest, maxMatched: Int,
                           view: ClusterView) async -> Result<RangeResult, CoordinatorError> {
        let command = ScanCommand(table: request.table, from: plan.range.from, to: plan.range.to, after: after,
                                  filter: request.filter, keyLayout: request.keyLayout, columns: request.columns,
                                  countOnly: request.countOnly, maxMatchedRows: request.countOnly ? Int.max : max(1, maxMatched),
                                  maxScannedRows: Self.scanRowsPerRequest)
        var failures: [ReadFailure] = []
        for replica in plan.replicas {
            if Task.isCancelled { break }
            switch await scan(command, on: replica, view: view) {
            case .success(let reply): return .success(RangeResult(reply: reply, replica: replica))
            case .failure(let failure): failures.append(failure)
            }
        }
        return .failure(Self.readError(.one, received: 0, blockFor: 1, failures: failures, dataPresent: false))
    }

    /// Sends one scan request to `replica` (this node directly).
    private func scan(_ command: ScanCommand, on replica: HostID, view: ClusterView) async -> Result<ScanReply, ReadFailure> {
        if replica == view.localHost {
            do {
                return .success(try storage.scan(command))
            } catch {
                return .failure(ReadFailure(reason: "\(error)", isTimeout: false))
            }
        }
        guard let address = view.addresses[replica] else {
            return .failure(ReadFailure(reason: "no address for \(replica)", isTimeout: true))
        }
        do {
            let bytes = try await transport.request(ScanMessageCodec.encode(command), verb: .filteredScan, to: address)
            return .success(try ScanMessageCodec.decodeReply(bytes))
        } catch let error as MessagingError {
            let reason = Self.describe(error)
            return .failure(ReadFailure(reason: reason, isTimeout: reason.hasPrefix(Self.timedOut)))
        } catch {
            return .failure(ReadFailure(reason: "bad scan response from \(address): \(error)", isTimeout: false))
        }
    }
}
