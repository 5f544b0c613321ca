import KVCore
import LSMStore

/// This node's own replica: where the coordinator applies writes and reads data without a
/// network hop, and what the `mutation` and `read` verb handlers call for other coordinators.
public protocol ReplicaStorage: Sendable {
    /// Applies a write durably (as the commit log's sync mode defines it).
    func apply(_ mutation: Mutation) throws
    /// `apply` for requests on event loops: a wait for an fsync suspends the task rather
    /// than blocking the thread.
    func applyAwaitingSync(_ mutation: Mutation) async throws
    /// `apply` when it returns without waiting for an fsync (true); false, with nothing
    /// applied, when the write would wait (`applyAwaitingSync` is then the way).
    func applyWithoutWaiting(_ mutation: Mutation) throws -> Bool
    /// `applyWithoutWaiting` of a write already encoded for the commit log; false, with
    /// nothing applied, also when this storage takes only mutations.
    func applyWithoutWaiting(_ write: SingleRowWrite) throws -> Bool
    /// Reads what this replica holds, tombstones included.
    func read(_ command: ReadCommand) throws -> ReadResponse
    /// One whole row, looked up rather than scanned: the row at `clustering` (a full
    /// clustering, or the empty one of a table without clustering columns) with its
    /// fragments reconciled, tombstone cells and its own deletion kept, and what the
    /// partition's deletions shadow removed; nil if nothing is left of it.
    func readRow(table: TableID, partitionKey: [UInt8], clustering: [UInt8]) throws -> Row?
    /// Scans a token range, keeping the rows the command's filter selects (DESIGN §8).
    func scan(_ command: ScanCommand) throws -> ScanReply
    /// About how many rows this replica holds of a table (0 if it has none), to size scans.
    func estimatedRowCount(_ table: TableID) -> Int
    /// Removes every row of a table.
    func truncate(_ table: TableID) throws
}

extension ReplicaStorage {
    /// Storage without a faster way reads the row as a one-row slice.
    public func readRow(table: TableID, partitionKey: [UInt8], clustering: [UInt8]) throws -> Row? {
        let bound = ClusteringBound(prefix: clustering, isInclusive: true)
        let command = ReadCommand(table: table, selection: .partition(key: partitionKey, start: bound, end: bound),
                                  after: nil, maxLiveRows: 1)
        guard let partition = try read(command).partitions.first,
              var row = partition.rows.first(where: { $0.clustering == clustering }) else { return nil }
        row.removeShadowed(by: partition.deletion(covering: clustering))
        return row.cells.isEmpty && row.deletion == nil ? nil : row
    }

    /// Storage whose `apply` never waits applies at once.
    public func applyWithoutWaiting(_ mutation: Mutation) throws -> Bool {
        try apply(mutation)
        return true
    }

    /// Storage without its own way takes the write as a mutation.
    public func applyWithoutWaiting(_ write: SingleRowWrite) throws -> Bool { false }
}
