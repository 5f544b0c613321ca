import KVCore

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
    /// Reads what this replica holds, tombstones included.
    func read(_ command: ReadCommand) throws -> ReadResponse
    /// `read` of a command that selects one whole row: a partition slice from a full
    /// clustering to itself (or a partition of a table without clustering columns), which
    /// storage can look up rather than scan.
    func readRow(_ command: ReadCommand) throws -> ReadResponse
    /// Scans a token range, keeping the rows the command's filter selects (DESIGN §8).
    func scan(_ command: ScanCommand) throws -> ScanReply
    /// About how many rows this replica holds of a table (0 if it has none), to size scans.
    func estimatedRowCount(_ table: TableID) -> Int
    /// Removes every row of a table.
    func truncate(_ table: TableID) throws
}

extension ReplicaStorage {
    /// Storage without a faster way reads the row as any slice.
    public func readRow(_ command: ReadCommand) throws -> ReadResponse { try read(command) }

    /// Storage whose `apply` never waits applies at once.
    public func applyWithoutWaiting(_ mutation: Mutation) throws -> Bool {
        try apply(mutation)
        return true
    }
}
