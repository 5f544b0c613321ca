import CQL

/// Bounds of aggregated reads, in one place.
enum AggregationLimits {
    /// Raw rows read from the coordinator per internal page.
    static let rowsPerReadChunk = 5_000
}

extension SelectExecution {
    /// The next page of an aggregate or GROUP BY query. Rows are read internally in chunks
    /// whatever the client's page size; LIMIT counts result rows (groups), and is not applied
    /// to the rows read, as in Cassandra.
    ///
    /// Without GROUP BY the answer is one row and never pages. With GROUP BY a page holds up
    /// to `pageSize` groups, and its paging state is the row position just after the page's
    /// last group (its `remaining` counting groups), so the next page starts on a group boundary.
    func aggregatedPage(_ aggregation: AggregationPlan, size pageSize: Int,
                        from previous: PagingState?) async throws(ErrorResponse) -> Page {
        if let counted = try await pushedDownCount(aggregation) { return counted }
        var folder = GroupFolder(aggregation)
        let isGrouped = !aggregation.groupIndices.isEmpty
        var groupsRemaining = try limit()
        var state = PagingState()
        if isGrouped, let previous {
            groupsRemaining = previous.remaining
            state = previous
            state.remaining = Int.max
        }
        let groupsWanted = isGrouped ? min(pageSize, groupsRemaining) : 1
        // PER PARTITION LIMIT counts groups with GROUP BY, rows without.
        let perPartition = try perPartitionLimit()
        var limiter = isGrouped ? perPartition.map {
            GroupsPerPartition(limit: $0, partitionIndices: aggregation.partitionIndices, groupIndices: aggregation.groupIndices,
                               resumingIn: previous?.groupPartition, groupsSoFar: previous?.groupsInPartition ?? 0)
        } : nil
        let rowsPerPartition = isGrouped ? Int.max : (perPartition ?? Int.max)
        var page = Page()
        while true {
            let chunkStart = state
            let chunk = try await rowPage(size: AggregationLimits.rowsPerReadChunk, state: chunkStart, perPartition: rowsPerPartition)
            for (index, row) in chunk.rows.enumerated() {
                let limiterBefore = limiter
                if limiter != nil, !limiter!.admits(row) { continue }
                guard let finished = try folder.add(row) else { continue }
                page.rows.append(finished)
                guard page.rows.count == groupsWanted else { continue }
                // Row `index` opened a group this page has no room for: resume just before it.
                let resume = index == 0
                    ? chunkStart : try await rowPage(size: index, state: chunkStart, perPartition: rowsPerPartition).next
                page.next = groupsRemaining > groupsWanted
                    ? resume.map { Self.groupState($0, groupsRemaining - groupsWanted, limiter: limiterBefore) } : nil
                return page
            }
            guard let next = chunk.next else { break }
            state = next
        }
        if let last = folder.finish() { page.rows.append(last) }
        return page
    }

    /// The answer of an ungrouped filtered scan that selects only `COUNT(*)`, counted by the
    /// replicas; nil when the scan cannot be pushed down.
    private func pushedDownCount(_ aggregation: AggregationPlan) async throws(ErrorResponse) -> Page? {
        let countsOnly = aggregation.outputs.allSatisfy { output in
            if case .aggregate(let function, _) = output { return function.kind == .countRows }
            return false
        }
        guard aggregation.groupIndices.isEmpty, countsOnly, !plan.keys.restrictsPartition else { return nil }
        let (from, to) = try tokenBounds()
        guard let request = try pushedDownScan(from: from, to: to, perPartition: try perPartitionLimit() ?? Int.max,
                                               countOnly: true) else { return nil }
        let (count, report) = try await countPushedDown(request)
        var page = Page()
        page.rows = [aggregation.outputs.map { _ in ResultRowBuilder.bigint(Int64(count)) }]
        page.scanReport = report
        return page
    }

    private static func groupState(_ rowState: PagingState, _ groupsRemaining: Int,
                                   limiter: GroupsPerPartition?) -> PagingState {
        var state = rowState
        state.remaining = groupsRemaining
        if let limiter {
            state.groupPartition = limiter.partition ?? []
            state.groupsInPartition = limiter.groups
        }
        return state
    }
}
