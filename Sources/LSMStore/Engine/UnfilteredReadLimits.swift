/// Bounds on one `LSMTable.readUnfiltered` call, so that a replica's answer (and the memory
/// it takes) stays bounded however many rows or tombstones the range holds.
public struct UnfilteredReadLimits: Sendable, Equatable {
    /// The default for `maxBytes`: 4 MiB.
    public static let defaultMaxBytes = 4 << 20

    /// The read stops after the row that brings the count of rows with live data (after
    /// deletions are applied, at the read's time) to this. Must be at least 1.
    public var maxLiveRows: Int
    /// The read stops after the first row (or tombstone-only partition) that brings the
    /// encoded size of what it collected past this. Must be at least 1.
    public var maxBytes: Int

    /// Limits of `maxLiveRows` live rows (default: none) and `maxBytes` bytes (default 4 MiB).
    public init(maxLiveRows: Int = .max, maxBytes: Int = UnfilteredReadLimits.defaultMaxBytes) {
        self.maxLiveRows = maxLiveRows
        self.maxBytes = maxBytes
    }
}
