import Coordinator
import KVCore
import LSMStore

/// This node's replica for the coordinator: writes and reads on the local LSMStore.
struct LocalReplica: ReplicaStorage {
    let store: LSMStore
    /// Bounds one replica answer, so a page of tombstones cannot grow without limit.
    static let maxResponseBytes = 4 << 20

    func apply(_ mutation: Mutation) throws {
        try table(mutation.table).apply(mutation.update)
    }

    func read(_ command: ReadCommand) throws -> ReadResponse {
        let table = try table(command.table)
        var range: ScanRange
        switch command.selection {
        case let .partition(key, start, end): range = .slice(partition: key, start: start, end: end)
        case let .partitionRange(from, to): range = .partitions(from: from, to: to)
        }
        if let after = command.after {
            range = .resuming(after: range, partition: after.partitionKey, clustering: after.clustering)
        }
        guard !range.isEmpty else { return ReadResponse(partitions: [], isExhausted: true) }
        let result = try table.readUnfiltered(
            range, limits: UnfilteredReadLimits(maxLiveRows: max(1, command.maxLiveRows), maxBytes: Self.maxResponseBytes))
        return ReadResponse(partitions: result.partitions, isExhausted: result.isExhausted)
    }

    func truncate(_ table: TableID) throws {
        guard store.table(table) != nil else { throw LocalReplicaError.unknownTable(table) }
        try store.truncateTable(table)
    }

    private func table(_ id: TableID) throws -> LSMTable {
        guard let table = store.table(id) else { throw LocalReplicaError.unknownTable(id) }
        return table
    }
}

enum LocalReplicaError: Error, CustomStringConvertible {
    case unknownTable(TableID)

    var description: String {
        switch self {
        case .unknownTable(let id): "unknown table \(id) (its schema has not reached this node yet)"
        }
    }
}
