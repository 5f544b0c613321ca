import KVCore

/// Walks, in storage order, the partitions of a snapshot that hold a partition deletion or
/// range tombstones and that a scan range intersects, merging each one's tombstones from
/// every memtable and SSTable. Row sources do not show such partitions when they have no
/// rows; an unfiltered read must still return them.
///
/// Costs no I/O: SSTables keep their tombstones in memory. Each memtable's tombstones are
/// copied and sorted once per cursor unless the range lies in one partition.
struct PartitionTombstoneCursor {
    /// Per source, its partitions' tombstones sorted by prefix.
    private var lists: [[PartitionTombstones]] = []
    /// Per list, the next entry not yet taken.
    private var positions: [Int] = []
    private let end: [UInt8]?

    init(version: TableVersion, range: ScanRange) {
        end = range.end
        let single = range.singlePartitionPrefix
        for memTable in version.memTables where memTable.hasTombstones {
            if let single {
                if let tombstones = memTable.tombstones(partitionPrefix: single) { lists.append([tombstones]) }
            } else {
                lists.append(memTable.allTombstones())
            }
        }
        for handle in version.allSSTables where handle.statistics.hasPartitionTombstones {
            lists.append(handle.reader.allTombstones)
        }
        positions = lists.map { Self.firstIntersecting($0, start: range.start) }
    }

    /// The index of the first entry whose partition is not wholly before `start`.
    private static func firstIntersecting(_ list: [PartitionTombstones], start: [UInt8]?) -> Int {
        guard let start else { return 0 }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if ScanRange.isPartition(list[middle].partitionPrefix, before: start) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The packed prefix of the next partition with tombstones in the range, or nil.
    func nextPrefix() -> [UInt8]? {
        var best: [UInt8]?
        for (list, position) in zip(lists, positions) where position < list.count {
            let candidate = list[position].partitionPrefix
            if let current = best, compareBytes(current, candidate) <= 0 { continue }
            best = candidate
        }
        guard let best, end.map({ compareBytes(best, $0) < 0 }) ?? true else { return nil }
        return best
    }

    /// Takes the tombstones of the partition with packed prefix `prefix`, merged across
    /// sources (latest partition deletion, every distinct range), or nil if none has any.
    /// Entries of earlier partitions are passed over.
    mutating func take(_ prefix: [UInt8]) -> PartitionTombstones? {
        var merged: PartitionTombstones?
        for index in lists.indices {
            while positions[index] < lists[index].count {
                let entry = lists[index][positions[index]]
                let order = compareBytes(entry.partitionPrefix, prefix)
                if order > 0 { break }
                positions[index] += 1
                if order == 0 { PartitionTombstones.merge(entry, into: &merged) }
            }
        }
        return merged
    }
}

extension PartitionTombstones {
    /// Adds one source's tombstones of a partition to those merged so far: the latest
    /// partition deletion, and every distinct range in order of arrival.
    static func merge(_ entry: PartitionTombstones, into merged: inout PartitionTombstones?) {
        guard var result = merged else {
            merged = entry
            return
        }
        result.deletion = DeletionTime.latest(result.deletion, entry.deletion)
        for range in entry.ranges where !result.ranges.contains(range) { result.ranges.append(range) }
        merged = result
    }
}
