import KVCore

/// What `StorageCoordinator.readRowInPlace` found.
public enum LocalRowRead: Sendable {
    /// The row's live cells (row deletion and dead cells removed).
    case live(Row)
    /// Nothing live at the row.
    case absent
    /// This node cannot answer alone (another replica is needed, or its read failed): the
    /// read takes the replica round instead.
    case needsReplicas
}
