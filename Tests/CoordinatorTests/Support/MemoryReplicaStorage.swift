@testable import Coordinator
import KVCore
import Synchronization

/// A replica's storage in memory: one merged `PartitionUpdate` per partition key and table.
///
/// Reads follow the contract `LSMTable.readUnfiltered` gives the real node: partitions in
/// storage-key order, rows in clustering order with the cells that an outer deletion shadows
/// removed, tombstones included; the read stops after the row that reaches `maxLiveRows`
/// (at least 1) live rows, with `isExhausted == false`, without looking further. Thread-safe.
final class MemoryReplicaStorage: ReplicaStorage {
    struct InjectedFailure: Error, CustomStringConvertible {
        var description: String { "injected storage failure" }
    }

    private struct State {
        var tables: [TableID: [[UInt8]: PartitionUpdate]] = [:]
        var failsWrites = false
        var failsReads = false
        var appliedCount = 0
        var readCount = 0
    }

    private let state = Mutex(State())
    let nowSeconds: @Sendable () -> Int64

    init(nowSeconds: @escaping @Sendable () -> Int64) {
        self.nowSeconds = nowSeconds
    }

    /// Makes every later write (and/or read) throw.
    func setFailing(writes: Bool, reads: Bool) {
        state.withLock {
            $0.failsWrites = writes
            $0.failsReads = reads
        }
    }

    var appliedCount: Int { state.withLock { $0.appliedCount } }
    var readCount: Int { state.withLock { $0.readCount } }

    /// The stored partition, merged, as written (nothing shadowed removed).
    func partition(_ table: TableID, _ key: [UInt8]) -> PartitionUpdate? {
        state.withLock { $0.tables[table]?[key] }
    }

    func apply(_ mutation: Mutation) throws {
        try state.withLock { state in
            if state.failsWrites { throw InjectedFailure() }
            state.appliedCount += 1
            let key = mutation.update.partitionKey
            let existing = state.tables[mutation.table]?[key] ?? PartitionUpdate(partitionKey: key)
            state.tables[mutation.table, default: [:]][key] = Self.merge(existing, mutation.update)
        }
    }

    func applyAwaitingSync(_ mutation: Mutation) async throws { try apply(mutation) }

    /// A filtered scan over `read`'s answer: each live row tested with `RowPredicate.selects`
    /// (the evaluator the real replica's compiled form must agree with), stopping after
    /// `maxMatchedRows` matches.
    func scan(_ command: ScanCommand) throws -> ScanReply {
        let read = ReadCommand(table: command.table, selection: .partitionRange(from: command.from, to: command.to),
                               after: command.after, maxLiveRows: Int(Int32.max))
        var statistics = ScanStatistics()
        var partitions: [PartitionUpdate] = []
        for partition in try self.read(read).partitions {
            guard let live = ReadReconciler.liveView(of: partition, nowSeconds: nowSeconds()) else { continue }
            let keys = command.keyLayout.partitionValues(storageKey: live.partitionKey)
            for row in live.rows {
                statistics.rowsScanned += 1
                let clustering = command.keyLayout.clusteringValues(row.clustering)
                let selected = command.filter?.selects { column in
                    switch column.kind {
                    case .partitionKey: keys[column.position]
                    case .clustering: column.position < clustering.count ? clustering[column.position] : nil
                    case .regular, .staticColumn: row.cells.first { $0.column == column.id }?.value
                    }
                } ?? true
                guard selected else { continue }
                statistics.rowsMatched += 1
                if !command.countOnly {
                    if partitions.last?.partitionKey != live.partitionKey { partitions.append(PartitionUpdate(partitionKey: live.partitionKey)) }
                    partitions[partitions.count - 1].rows.append(row)
                }
                if statistics.rowsMatched >= command.maxMatchedRows {
                    return ScanReply(partitions: partitions, matchedCount: statistics.rowsMatched,
                                     resumeAfter: RowPosition(partitionKey: live.partitionKey, clustering: row.clustering),
                                     statistics: statistics)
                }
            }
        }
        return ScanReply(partitions: partitions, matchedCount: statistics.rowsMatched, resumeAfter: nil, statistics: statistics)
    }

    func estimatedRowCount(_ table: TableID) -> Int {
        state.withLock { $0.tables[table]?.values.reduce(0) { $0 + $1.rows.count } ?? 0 }
    }

    func truncate(_ table: TableID) throws {
        try state.withLock { state in
            if state.failsWrites { throw InjectedFailure() }
            state.tables[table] = nil
        }
    }

    /// Every partition key stored for `table`.
    func keys(_ table: TableID) -> Set<[UInt8]> {
        state.withLock { Set(($0.tables[table] ?? [:]).keys) }
    }

    func read(_ command: ReadCommand) throws -> ReadResponse {
        let now = nowSeconds()
        let (partitions, fails) = state.withLock { state in
            state.readCount += 1
            return (state.tables[command.table] ?? [:], state.failsReads)
        }
        if fails { throw InjectedFailure() }
        let limit = max(1, command.maxLiveRows)
        var liveRows = 0
        var result: [PartitionUpdate] = []
        for key in partitions.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) where Self.selects(key, command) {
            guard let stored = partitions[key] else { continue }
            var answer = PartitionUpdate(partitionKey: key, partitionDeletion: stored.partitionDeletion,
                                         rangeTombstones: stored.rangeTombstones)
            for var row in stored.rows where Self.selects(row.clustering, in: key, command) {
                row.removeShadowed(by: Self.outerDeletion(of: row.clustering, in: stored))
                guard !row.cells.isEmpty || row.deletion != nil else { continue }
                answer.rows.append(row)
                if row.hasLiveData(nowSeconds: now) { liveRows += 1 }
                if liveRows >= limit {
                    result.append(answer)
                    return ReadResponse(partitions: result, isExhausted: false)
                }
            }
            if !answer.rows.isEmpty || answer.partitionDeletion != nil || !answer.rangeTombstones.isEmpty {
                result.append(answer)
            }
        }
        return ReadResponse(partitions: result, isExhausted: true)
    }

    // MARK: Selection

    private static func selects(_ key: [UInt8], _ command: ReadCommand) -> Bool {
        if let after = command.after, key.lexicographicallyPrecedes(after.partitionKey) { return false }
        switch command.selection {
        case let .partition(wanted, _, _):
            return key == wanted
        case let .partitionRange(from, to):
            if let from, key.lexicographicallyPrecedes(from) { return false }
            if let to, !key.lexicographicallyPrecedes(to) { return false }
            return true
        }
    }

    private static func selects(_ clustering: [UInt8], in key: [UInt8], _ command: ReadCommand) -> Bool {
        if let after = command.after, after.partitionKey == key,
           !after.clustering.lexicographicallyPrecedes(clustering) {
            return false
        }
        if case let .partition(_, start, end) = command.selection {
            return start.admitsAsStart(clustering) && end.admitsAsEnd(clustering)
        }
        return true
    }

    private static func outerDeletion(of clustering: [UInt8], in partition: PartitionUpdate) -> DeletionTime? {
        var outer = partition.partitionDeletion
        for range in partition.rangeTombstones where range.covers(clustering) {
            outer = DeletionTime.latest(outer, range.deletion)
        }
        return outer
    }

    // MARK: Merging

    /// `update` reconciled into `stored` (DESIGN §3), rows kept in clustering order.
    static func merge(_ stored: PartitionUpdate, _ update: PartitionUpdate) -> PartitionUpdate {
        var result = stored.withRangeTombstones(update.rangeTombstones)
        result.partitionDeletion = DeletionTime.latest(stored.partitionDeletion, update.partitionDeletion)
        for row in update.rows {
            if let index = result.rows.firstIndex(where: { $0.clustering == row.clustering }) {
                result.rows[index].merge(row)
            } else {
                result.rows.append(row)
            }
        }
        result.rows.sort { $0.clustering.lexicographicallyPrecedes($1.clustering) }
        return result
    }
}

extension PartitionUpdate {
    /// This update with `ranges` added (each once).
    func withRangeTombstones(_ ranges: [RangeTombstone]) -> PartitionUpdate {
        var copy = self
        for range in ranges where !copy.rangeTombstones.contains(range) { copy.rangeTombstones.append(range) }
        return copy
    }
}
