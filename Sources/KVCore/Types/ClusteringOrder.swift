/// The order of a clustering column, from `WITH CLUSTERING ORDER BY (c ASC|DESC)`.
public enum ClusteringOrder: Sendable, Hashable {
    /// Smallest value first (the default).
    case ascending
    /// Largest value first: the column's encoding is inverted byte by byte.
    case descending
}
