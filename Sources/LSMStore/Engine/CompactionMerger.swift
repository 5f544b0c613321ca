import KVCore

/// Reconciles the rows and tombstones of a compaction's inputs into what the outputs keep:
/// shadowed cells dropped, and tombstones and expired cells purged once they are older than
/// `gc_grace_seconds` and older than everything outside the compaction that they could
/// still shadow.
struct CompactionMerger {
    let nowSeconds: Int64
    let gcGraceSeconds: Int64
    /// Deletions at or after this timestamp are never purged: data outside the compaction
    /// (other SSTables overlapping its range, memtables) may be that old and still need them.
    let purgeBelowTimestamp: Int64

    func mayPurge(timestamp: Int64, localSeconds: Int64) -> Bool {
        timestamp < purgeBelowTimestamp && localSeconds + gcGraceSeconds < nowSeconds
    }

    /// The tombstones of all inputs merged per partition, sorted. They still shadow the
    /// inputs' rows; `purge` decides what of them the output keeps.
    func mergeTombstones(_ inputs: [SSTableHandle]) -> [PartitionTombstones] {
        var merged: [[UInt8]: PartitionTombstones] = [:]
        for input in inputs where input.statistics.hasPartitionTombstones {
            for tombstones in input.reader.allTombstones {
                var entry = merged[tombstones.partitionPrefix]
                    ?? PartitionTombstones(partitionPrefix: tombstones.partitionPrefix, deletion: nil, ranges: [])
                entry.deletion = DeletionTime.latest(entry.deletion, tombstones.deletion)
                entry.ranges.append(contentsOf: tombstones.ranges)
                merged[tombstones.partitionPrefix] = entry
            }
        }
        return merged.values.sorted { $0.partitionPrefix.lexicographicallyPrecedes($1.partitionPrefix) }
    }

    /// What the output keeps of a partition's tombstones, or nil.
    func purge(_ tombstones: PartitionTombstones) -> PartitionTombstones? {
        var result = tombstones
        if let deletion = result.deletion, mayPurge(timestamp: deletion.timestamp, localSeconds: deletion.localSeconds) {
            result.deletion = nil
        }
        var seen = Set<RangeTombstone>()
        result.ranges = result.ranges.filter { range in
            !mayPurge(timestamp: range.deletion.timestamp, localSeconds: range.deletion.localSeconds)
                && seen.insert(range).inserted
        }
        return result.deletion == nil && result.ranges.isEmpty ? nil : result
    }

    /// The row to keep for one key, or nil if nothing of it needs keeping.
    /// `outer` is the partition and range deletion covering it (before purging).
    func compact(_ fragments: [Row], outer: DeletionTime?) -> Row? {
        var row = fragments[0]
        for fragment in fragments.dropFirst() { row.merge(fragment) }
        row.removeShadowed(by: outer)
        if let deletion = row.deletion {
            if let outer, !deletion.supersedes(outer) { row.deletion = nil }  // the outer one already covers it
            else if mayPurge(timestamp: deletion.timestamp, localSeconds: deletion.localSeconds) { row.deletion = nil }
        }
        row.cells.removeAll { cell in
            cell.kind != .live && mayPurge(timestamp: cell.timestamp, localSeconds: cell.localSeconds)
                && !cell.isLive(nowSeconds: nowSeconds)
        }
        return row.cells.isEmpty && row.deletion == nil ? nil : row
    }
}
