/// Reconciliation of two versions of the same cell (DESIGN.md §3). The rule is a total
/// order that does not depend on arrival order or on the current time, so every replica,
/// hint, repair and compaction reaches the same winner:
///
/// 1. the higher timestamp wins;
/// 2. on a tie, a tombstone beats a value (between tombstones, the later deletion time);
/// 3. then the later expiry wins (a value that never expires counts as latest);
/// 4. then the greater value bytes (unsigned, lexicographic).
///
/// This differs from Cassandra only when an already expired value ties on timestamp with a
/// live one: Cassandra's rule depends on the reader's clock there, ours does not.
extension Cell {
    /// Whether `self` wins over `other`, another version of the same column or element.
    @inlinable public func supersedes(_ other: Cell) -> Bool {
        if timestamp != other.timestamp { return timestamp > other.timestamp }
        let isDeletion = kind == .tombstone, otherIsDeletion = other.kind == .tombstone
        if isDeletion != otherIsDeletion { return isDeletion }
        if isDeletion { return localSeconds > other.localSeconds }
        let expiry = kind == .live ? Int64.max : localSeconds
        let otherExpiry = other.kind == .live ? Int64.max : other.localSeconds
        if expiry != otherExpiry { return expiry > otherExpiry }
        if value != other.value { return other.value.lexicographicallyPrecedes(value) }
        return ttlSeconds > other.ttlSeconds
    }

    /// The winning version of two versions of the same cell.
    @inlinable public static func reconcile(_ left: Cell, _ right: Cell) -> Cell {
        right.supersedes(left) ? right : left
    }
}
