/// When and at what timestamp something (a partition, a clustering range, a row) was
/// deleted. Everything written at or before `timestamp` inside it is shadowed: on a tie
/// the deletion wins.
public struct DeletionTime: Sendable, Hashable {
    /// The deletion's write timestamp, microseconds since the epoch.
    public var timestamp: Int64
    /// When the deletion was made on the coordinator, seconds since the epoch; it starts the
    /// `gc_grace_seconds` clock after which compaction may purge the tombstone.
    public var localSeconds: Int64

    public init(timestamp: Int64, localSeconds: Int64) {
        self.timestamp = timestamp
        self.localSeconds = localSeconds
    }

    /// Whether this deletion shadows a cell or marker written at `writeTimestamp`.
    @inlinable public func shadows(_ writeTimestamp: Int64) -> Bool { writeTimestamp <= timestamp }

    /// Whether it wins over `other` (the later deletion; ties broken by local time).
    @inlinable public func supersedes(_ other: DeletionTime) -> Bool {
        timestamp != other.timestamp ? timestamp > other.timestamp : localSeconds > other.localSeconds
    }

    /// The later of two optional deletions.
    @inlinable public static func latest(_ left: DeletionTime?, _ right: DeletionTime?) -> DeletionTime? {
        guard let left else { return right }
        guard let right else { return left }
        return right.supersedes(left) ? right : left
    }

    /// Whether compaction may drop it at `nowSeconds` under `gcGraceSeconds`.
    @inlinable public func isPurgeable(nowSeconds: Int64, gcGraceSeconds: Int64) -> Bool {
        localSeconds + gcGraceSeconds < nowSeconds
    }
}
