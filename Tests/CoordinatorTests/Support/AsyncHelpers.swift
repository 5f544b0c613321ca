import Coordinator
import KVCore
import Testing

/// The `CoordinatorError` `body` throws, or nil when it succeeds (any other error is
/// recorded as an issue).
func coordinatorError(_ body: () async throws -> Void) async -> CoordinatorError? {
    do {
        try await body()
        return nil
    } catch let error as CoordinatorError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

extension TestCluster {
    /// Writes `updates` through node `via`'s coordinator.
    func write(_ updates: [PartitionUpdate], at level: ConsistencyLevel, via index: Int = 0,
               _ replication: KeyspaceReplication) async throws(CoordinatorError) {
        try await nodes[index].coordinator.write(updates.map(Fixtures.mutation), replication: replication, consistency: level)
    }

    /// Reads a whole partition through node `via`'s coordinator.
    func read(_ key: [UInt8], at level: ConsistencyLevel, via index: Int = 0, maxLiveRows: Int = 1000,
              after: RowPosition? = nil, _ replication: KeyspaceReplication) async throws(CoordinatorError) -> ReadResult {
        try await nodes[index].coordinator.read(Fixtures.wholePartition(key, maxLiveRows: maxLiveRows, after: after),
                                                replication: replication, consistency: level)
    }

    /// Every live row of a range scan through node `via`, page by page: the row positions
    /// in the order returned and the row count of each page.
    func scan(pageSize: Int, at level: ConsistencyLevel, via index: Int = 0, from: [UInt8]? = nil, to: [UInt8]? = nil,
              _ replication: KeyspaceReplication) async throws -> (rows: [RowPosition], pageSizes: [Int]) {
        var rows: [RowPosition] = []
        var pageSizes: [Int] = []
        var after: RowPosition?
        for _ in 0..<10_000 {
            let page = try await nodes[index].coordinator.readRange(
                table: Fixtures.table, from: from, to: to, after: after, pageSize: pageSize,
                replication: replication, consistency: level)
            for partition in page.partitions {
                rows += partition.rows.map { RowPosition(partitionKey: partition.partitionKey, clustering: $0.clustering) }
            }
            pageSizes.append(page.rowCount)
            guard let next = page.nextPosition else { return (rows, pageSizes) }
            after = next
        }
        Issue.record("the scan did not end")
        return (rows, pageSizes)
    }
}
