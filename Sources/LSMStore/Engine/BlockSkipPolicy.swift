import KVCore

/// Decides, for a filtered scan, which SSTable blocks may be passed over unread.
///
/// A block is skipped only when its statistics prove no row in it can match (`mayMatch`
/// returns false) *and* no other source of the snapshot holds any key in the block's key
/// range: otherwise a newer fragment elsewhere could combine with a row of the block into
/// a matching row, and skipping would lose it. Deletions elsewhere only remove rows, so
/// they do not prevent skipping.
struct BlockSkipPolicy {
    let mayMatch: @Sendable (BlockStatistics) -> Bool
    let version: TableVersion

    func allowsSkipping(block: Int, of reader: SSTableReader) -> Bool {
        guard !mayMatch(reader.blockStatistics(block)) else { return false }
        let start = block == 0 ? reader.statistics.firstKey : reader.blockLastKey(block - 1)
        let end = reader.blockLastKey(block)
        for memTable in version.memTables where memTable.hasKey(from: start, through: end) { return false }
        let first = SSTableHandle.partitionPrefix(of: start), partitionsEnd = SSTableHandle.partitionEnd(of: end)
        for file in version.allSSTables where file.fileNumber != reader.fileNumber {
            if file.overlaps(first: first, end: partitionsEnd) { return false }
        }
        return true
    }

    /// Installs the policy on an SSTable iterator.
    func install(on iterator: SSTableIterator) {
        let reader = iterator.reader
        iterator.blockFilter = { block in !allowsSkipping(block: block, of: reader) }
    }
}

extension MemTable {
    /// Whether any row key lies in [start, end].
    func hasKey(from start: [UInt8], through end: [UInt8]) -> Bool {
        guard rowCount > 0 else { return false }
        let iterator = makeIterator()
        start.withUnsafeBytes { iterator.seek($0) }
        return iterator.isValid && end.withUnsafeBytes { compareBytes(iterator.key, $0) <= 0 }
    }
}
