import KVCore
import LSMStore

/// A node's replica for the coordinator: writes and reads on its local LSMStore.
public struct LSMReplicaStorage: ReplicaStorage {
    public let store: LSMStore
    /// Bounds one replica answer, so a page of tombstones cannot grow without limit.
    public static let maxResponseBytes = 4 << 20

    /// Whether `applyAwaitingSync` suspends for an fsync (else it blocks, as `apply`).
    private let suspendsForSync: Bool

    /// `suspendsForSync: false` is for the simulator: it runs every node on one thread over
    /// a file system whose fsyncs return at once, and resuming waiters from the commit log's
    /// own thread would make a seed's run depend on thread timing.
    public init(store: LSMStore, suspendsForSync: Bool = true) {
        self.store = store
        self.suspendsForSync = suspendsForSync
    }

    public func apply(_ mutation: Mutation) throws {
        try table(mutation.table).apply(mutation.update)
    }

    public func applyAwaitingSync(_ mutation: Mutation) async throws {
        guard suspendsForSync else { return try apply(mutation) }
        try await table(mutation.table).applyAwaitingSync(mutation.update)
    }

    public func applyWithoutWaiting(_ mutation: Mutation) throws -> Bool {
        let table = try table(mutation.table)
        guard !suspendsForSync || !table.acknowledgesAfterSync else { return false }
        try table.apply(mutation.update)
        return true
    }

    /// The simulator's storage (`suspendsForSync: false`) takes mutations only: they apply
    /// in every sync mode.
    public func applyWithoutWaiting(_ write: SingleRowWrite) throws -> Bool {
        guard suspendsForSync else { return false }
        return try table(write.table).applyUnlessWaitingForSync(write)
    }

    public func read(_ command: ReadCommand) throws -> ReadResponse {
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

    public func readRow(table id: TableID, partitionKey: [UInt8], clustering: [UInt8]) throws -> Row? {
        try table(id).readMerged(partition: partitionKey, clustering: clustering)
    }

    public func scan(_ command: ScanCommand) throws -> ScanReply {
        try ReplicaScan(command: command, table: table(command.table)).run()
    }

    public func estimatedRowCount(_ table: TableID) -> Int {
        store.table(table)?.estimatedRowCount ?? 0
    }

    public func truncate(_ table: TableID) throws {
        guard store.table(table) != nil else { throw LSMReplicaStorageError.unknownTable(table) }
        try store.truncateTable(table)
    }

    private func table(_ id: TableID) throws -> LSMTable {
        guard let table = store.table(id) else { throw LSMReplicaStorageError.unknownTable(id) }
        return table
    }
}

enum LSMReplicaStorageError: Error, CustomStringConvertible {
    case unknownTable(TableID)

    var description: String {
        switch self {
        case .unknownTable(let id): "unknown table \(id) (its schema has not reached this node yet)"
        }
    }
}
