import KVCore

/// The part of a scan range that lies inside one partition, as clustering bytes: from
/// `lower` (inclusive; the empty clustering is the smallest) to `upper` (exclusive; nil is
/// unbounded). Used to keep only the range tombstones that can matter to a read.
struct ClusteringWindow {
    var lower: [UInt8] = []
    var upper: [UInt8]?

    init(lower: [UInt8], upper: [UInt8]?) {
        self.lower = lower
        self.upper = upper
    }

    /// The window of `range` in the partition with packed prefix `partitionPrefix`, which
    /// the range must intersect.
    init(range: ScanRange, partitionPrefix prefix: [UInt8]) {
        if let start = range.start, start.starts(with: prefix) { lower = Array(start[prefix.count...]) }
        if let end = range.end, end.starts(with: prefix) { upper = Array(end[prefix.count...]) }
    }

    /// Whether the tombstone may delete a clustering inside the window. Conservative: it
    /// may say true for a tombstone that deletes nothing, or whose exclusive start lies just
    /// before `upper`, but never false for one that deletes something in the window.
    func overlaps(_ tombstone: RangeTombstone) -> Bool {
        let deletesNothing = !tombstone.start.isInclusive && tombstone.start.prefix.isEmpty
        return !deletesNothing && !endsBeforeLower(tombstone.end) && !startsAtOrAfterUpper(tombstone.start)
    }

    /// Whether every clustering `bound` admits as an end sorts before `lower`.
    private func endsBeforeLower(_ bound: ClusteringBound) -> Bool {
        if bound.isInclusive {  // admits everything below the prefix or starting with it
            return compareBytes(bound.prefix, lower) < 0 && !lower.starts(with: bound.prefix)
        }
        return compareBytes(bound.prefix, lower) <= 0  // admits only what sorts below the prefix
    }

    /// Whether every clustering `bound` admits as a start sorts at or after `upper`.
    private func startsAtOrAfterUpper(_ bound: ClusteringBound) -> Bool {
        guard let upper else { return false }
        if compareBytes(upper, bound.prefix) <= 0 { return true }
        // An exclusive start admits nothing that starts with its prefix.
        return !bound.isInclusive && upper.starts(with: bound.prefix)
    }
}
