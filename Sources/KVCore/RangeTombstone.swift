/// One end of a clustering range, over the caller's clustering bytes.
///
/// Bounds have prefix semantics, so that a range over a clustering *prefix* (all rows whose
/// first clustering column is 5) is one tombstone: an inclusive bound includes every key that
/// starts with `prefix`; an exclusive one excludes them all. An empty inclusive prefix is
/// unbounded.
public struct ClusteringBound: Sendable, Hashable {
    public var prefix: [UInt8]
    public var isInclusive: Bool

    public init(prefix: [UInt8], isInclusive: Bool) {
        self.prefix = prefix
        self.isInclusive = isInclusive
    }

    /// The bound that includes everything.
    public static let unbounded = ClusteringBound(prefix: [], isInclusive: true)

    /// Whether `clustering` lies at or after this bound used as a range start.
    @inlinable public func admitsAsStart(_ clustering: [UInt8]) -> Bool {
        let startsWithPrefix = clustering.starts(with: prefix)
        if startsWithPrefix { return isInclusive }
        return prefix.lexicographicallyPrecedes(clustering)
    }

    /// Whether `clustering` lies at or before this bound used as a range end.
    @inlinable public func admitsAsEnd(_ clustering: [UInt8]) -> Bool {
        let startsWithPrefix = clustering.starts(with: prefix)
        if startsWithPrefix { return isInclusive }
        return clustering.lexicographicallyPrecedes(prefix)
    }
}

/// A deletion of every row of one partition whose clustering lies between two bounds.
public struct RangeTombstone: Sendable, Hashable {
    public var start: ClusteringBound
    public var end: ClusteringBound
    public var deletion: DeletionTime

    public init(start: ClusteringBound, end: ClusteringBound, deletion: DeletionTime) {
        self.start = start
        self.end = end
        self.deletion = deletion
    }

    /// Whether the range contains the row with this clustering key.
    @inlinable public func covers(_ clustering: [UInt8]) -> Bool {
        start.admitsAsStart(clustering) && end.admitsAsEnd(clustering)
    }
}
