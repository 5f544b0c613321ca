/// One version of one value: a simple column, one element of a collection, or the row
/// marker (column 0) that keeps a row alive with no other columns set.
///
/// Every cell carries its write timestamp; replicas reconcile versions by `supersedes(_:)`,
/// never by arrival order (DESIGN.md §3).
public struct Cell: Sendable, Hashable {
    /// What a cell is.
    public enum Kind: UInt8, Sendable {
        /// A value that never expires.
        case live = 0
        /// A value with a TTL; it reads as deleted from `localSeconds` on.
        case expiring = 1
        /// A deletion marker, written `localSeconds` (seconds since the epoch).
        case tombstone = 2
    }

    /// The column id reserved for the row marker (primary-key liveness).
    public static let rowMarkerColumn: UInt32 = 0

    /// The column, by the table's stable column id.
    public var column: UInt32
    /// The element within a collection column (map key, set element, list cell id); empty
    /// for a simple column.
    public var path: [UInt8]
    /// Write time, microseconds since the epoch (chosen by the client or the coordinator).
    public var timestamp: Int64
    public var kind: Kind
    /// The TTL the cell was written with; only for `expiring`.
    public var ttlSeconds: Int32
    /// `expiring`: when it expires; `tombstone`: when it was deleted (local deletion time,
    /// which starts the `gc_grace_seconds` clock); `live`: 0. Seconds since the epoch.
    public var localSeconds: Int64
    /// The value's serialized bytes; empty for tombstones.
    public var value: [UInt8]

    public init(column: UInt32, path: [UInt8] = [], timestamp: Int64, kind: Kind = .live,
                ttlSeconds: Int32 = 0, localSeconds: Int64 = 0, value: [UInt8] = []) {
        self.column = column
        self.path = path
        self.timestamp = timestamp
        self.kind = kind
        self.ttlSeconds = ttlSeconds
        self.localSeconds = localSeconds
        self.value = value
    }

    /// A live value.
    public static func live(column: UInt32, path: [UInt8] = [], timestamp: Int64, value: [UInt8]) -> Cell {
        Cell(column: column, path: path, timestamp: timestamp, value: value)
    }

    /// A value that expires `ttlSeconds` after `nowSeconds`.
    public static func expiring(column: UInt32, path: [UInt8] = [], timestamp: Int64, value: [UInt8],
                                ttlSeconds: Int32, nowSeconds: Int64) -> Cell {
        Cell(column: column, path: path, timestamp: timestamp, kind: .expiring, ttlSeconds: ttlSeconds,
             localSeconds: nowSeconds + Int64(ttlSeconds), value: value)
    }

    /// A deletion of the column (or element) made at `nowSeconds`.
    public static func tombstone(column: UInt32, path: [UInt8] = [], timestamp: Int64, nowSeconds: Int64) -> Cell {
        Cell(column: column, path: path, timestamp: timestamp, kind: .tombstone, localSeconds: nowSeconds)
    }

    /// Whether the cell holds a readable value at `nowSeconds`.
    @inlinable public func isLive(nowSeconds: Int64) -> Bool {
        switch kind {
        case .live: true
        case .expiring: nowSeconds < localSeconds
        case .tombstone: false
        }
    }

    /// Whether the cell and anything it shadows may be dropped by compaction at `nowSeconds`:
    /// it is a tombstone, or an expired value, older than `gcGraceSeconds`.
    @inlinable public func isPurgeable(nowSeconds: Int64, gcGraceSeconds: Int64) -> Bool {
        switch kind {
        case .live: false
        case .expiring, .tombstone: localSeconds + gcGraceSeconds < nowSeconds
        }
    }

    /// Whether two cells are versions of the same column or element.
    @inlinable public func hasSameIdentity(as other: Cell) -> Bool {
        column == other.column && path == other.path
    }

    /// Orders cells within a row: by column, then by path bytes.
    @inlinable public static func identityPrecedes(_ left: Cell, _ right: Cell) -> Bool {
        if left.column != right.column { return left.column < right.column }
        return left.path.lexicographicallyPrecedes(right.path)
    }
}
