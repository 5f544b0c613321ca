import Synchronization

/// Counts a server's open connections against `CQLServerConfiguration.maxConnections` and
/// hands out connection ids. Shared by every connection of one server; lock-free.
public final class CQLConnectionRegistry: Sendable {
    /// The most connections open at once.
    public let maxConnections: Int
    private let openCount = Atomic<Int>(0)
    private let nextID = Atomic<UInt64>(1)

    /// Creates a registry with no connection open.
    public init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    /// The number of connections open now.
    public var openConnections: Int { openCount.load(ordering: .relaxed) }

    /// Admits one connection and returns its id, or nil when `maxConnections` are open.
    /// Every non-nil result must be paired with one `release()`.
    public func admit() -> UInt64? {
        let admitted = openCount.add(1, ordering: .relaxed).newValue
        guard admitted <= maxConnections else {
            openCount.subtract(1, ordering: .relaxed)
            return nil
        }
        return nextID.add(1, ordering: .relaxed).oldValue
    }

    /// Releases one admitted connection.
    public func release() {
        openCount.subtract(1, ordering: .relaxed)
    }
}
