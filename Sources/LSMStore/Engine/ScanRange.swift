import KVCore

/// A range of packed row keys for a scan: `start` inclusive, `end` exclusive; nil is open.
///
/// Keys are `RowKey` packed keys, so ranges can cut between partitions (token-range scans)
/// or inside one partition (clustering slices), and a page can resume right after a row.
public struct ScanRange: Sendable, Equatable {
    public var start: [UInt8]?
    public var end: [UInt8]?

    public init(start: [UInt8]? = nil, end: [UInt8]? = nil) {
        self.start = start
        self.end = end
    }

    /// Every row.
    public static let all = ScanRange()

    /// The rows of one partition.
    public static func partition(_ partitionKey: [UInt8]) -> ScanRange {
        let prefix = RowKey.partitionPrefix(partitionKey)
        return ScanRange(start: prefix, end: endOfPartition(prefix: prefix))
    }

    /// Partitions from `first` (inclusive) up to `last` (exclusive), by partition key order.
    public static func partitions(from first: [UInt8]?, to last: [UInt8]?) -> ScanRange {
        ScanRange(start: first.map { RowKey.partitionPrefix($0) }, end: last.map { RowKey.partitionPrefix($0) })
    }

    /// Partitions strictly after `key` up to `last` (exclusive; nil is open).
    public static func partitions(after key: [UInt8], to last: [UInt8]?) -> ScanRange {
        ScanRange(start: endOfPartition(prefix: RowKey.partitionPrefix(key)), end: last.map { RowKey.partitionPrefix($0) })
    }

    /// The rows of `partition` whose clustering lies between `start` and `end`, with
    /// `ClusteringBound`'s prefix semantics: an inclusive bound takes in every clustering
    /// that starts with its prefix, an exclusive one leaves them all out, and an empty
    /// inclusive prefix is unbounded. A slice that admits nothing is an empty range.
    public static func slice(partition: [UInt8], start: ClusteringBound, end: ClusteringBound) -> ScanRange {
        let prefix = RowKey.partitionPrefix(partition)
        let partitionEnd = endOfPartition(prefix: prefix)
        let startKey: [UInt8]
        if start.isInclusive {
            startKey = start.prefix.isEmpty ? prefix : prefix + start.prefix
        } else {
            startKey = successor(ofPrefix: start.prefix).map { prefix + $0 } ?? partitionEnd
        }
        let endKey: [UInt8]
        if end.isInclusive {
            endKey = successor(ofPrefix: end.prefix).map { prefix + $0 } ?? partitionEnd
        } else {
            endKey = prefix + end.prefix
        }
        return ScanRange(start: startKey, end: endKey)
    }

    /// `range` from just after the row (`partition`, `clustering`) on: the next page of a
    /// read whose last row was that one. The end is kept.
    public static func resuming(after range: ScanRange, partition: [UInt8], clustering: [UInt8]) -> ScanRange {
        var key = RowKey.encode(partition: partition, clustering: clustering)
        key.append(0)  // the smallest key greater than the row's
        return ScanRange(start: later(range.start, key), end: range.end)
    }

    /// `range` from just after every row of `partition` on. The end is kept.
    public static func resuming(after range: ScanRange, partition: [UInt8]) -> ScanRange {
        let key = endOfPartition(prefix: RowKey.partitionPrefix(partition))
        return ScanRange(start: later(range.start, key), end: range.end)
    }

    /// Whether the range holds no key at all (it starts at or after its end).
    public var isEmpty: Bool {
        guard let start, let end else { return false }
        return compareBytes(start, end) >= 0
    }

    /// When every key of the range lies in one partition: the length of that partition's
    /// packed prefix (terminator included); else nil. True of `partition` and `slice`
    /// ranges: the end either shares the start's prefix or is the partition's end.
    var singlePartitionPrefixLength: Int? {
        guard let start, let end else { return nil }
        return start.withUnsafeBytes { startBytes -> Int? in
            guard let length = RowKey.partitionPrefixLength(startBytes), end.count >= length else { return nil }
            return end.withUnsafeBytes { endBytes -> Int? in
                let sharedPart = length - 1
                guard compareBytes(UnsafeRawBufferPointer(rebasing: endBytes[..<sharedPart]),
                                   UnsafeRawBufferPointer(rebasing: startBytes[..<sharedPart])) == 0 else { return nil }
                switch endBytes[sharedPart] {
                case RowKey.terminator.1: return length
                case RowKey.terminator.1 + 1 where end.count == length: return length
                default: return nil
                }
            }
        }
    }

    // MARK: Helpers

    /// The first key after every key of the partition with this packed prefix (its
    /// terminator's last byte, 0x01, becomes 0x02).
    static func endOfPartition(prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        end[end.count - 1] += 1
        return end
    }

    /// Whether every key of the partition with packed prefix `prefix` sorts before `key`.
    static func isPartition(_ prefix: [UInt8], before key: [UInt8]) -> Bool {
        compareBytes(prefix, key) < 0 && !key.starts(with: prefix)
    }

    /// Whether the range holds some key of the partition with packed prefix `prefix`.
    func intersects(partitionPrefix prefix: [UInt8]) -> Bool {
        if let start, Self.isPartition(prefix, before: start) { return false }
        if let end, compareBytes(prefix, end) >= 0 { return false }
        return true
    }

    /// The packed prefix of the one partition that holds every key of the range, if there
    /// is such a partition (a single-partition read or slice).
    var singlePartitionPrefix: [UInt8]? {
        guard let start, let length = singlePartitionPrefixLength else { return nil }
        return Array(start[..<length])
    }

    /// The smallest byte string greater than every string that starts with `prefix`, or nil
    /// if there is none (`prefix` is empty or all 0xFF).
    static func successor(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        guard let last = prefix.lastIndex(where: { $0 != 0xFF }) else { return nil }
        var result = Array(prefix[...last])
        result[last] += 1
        return result
    }

    private static func later(_ left: [UInt8]?, _ right: [UInt8]) -> [UInt8] {
        guard let left else { return right }
        return compareBytes(left, right) > 0 ? left : right
    }
}
