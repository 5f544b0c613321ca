import KVCore

/// What one row contributes to block and file statistics.
struct RowSummary {
    var minTimestamp: Int64 = .max
    var maxTimestamp: Int64 = .min
    var cellTombstoneCount = 0
    var expiringCellCount = 0
    var hasRowDeletion = false
    /// Earliest local deletion time of the row deletion, a cell tombstone or an expiring cell.
    var minLocalDeletionSeconds: Int64 = .max

    mutating func include(timestamp: Int64) {
        minTimestamp = min(minTimestamp, timestamp)
        maxTimestamp = max(maxTimestamp, timestamp)
    }
}

/// Gathers the `BlockStatistics` of the block being written, one encoded row at a time.
/// Keeps at most 33 bytes of each column bound (see `ColumnStatistics` for the rule), so its
/// memory is bounded whatever the values. Single-threaded.
struct BlockStatisticsAccumulator {
    private struct ColumnBounds {
        var liveCellCount = 0
        /// Sort keys cut to `keptSizeBytes`: cutting preserves order, and a cut max longer
        /// than 32 bytes tells that the true max does not fit.
        var minimum: [UInt8] = []
        var maximum: [UInt8] = []

        mutating func include(_ sortKey: [UInt8]) {
            if liveCellCount == 0 || compareBytes(sortKey, minimum) < 0 { minimum = sortKey }
            if liveCellCount == 0 || compareBytes(sortKey, maximum) > 0 { maximum = sortKey }
            liveCellCount += 1
        }
    }

    private static let keptSizeBytes = ColumnStatistics.maxSortKeySizeBytes + 1

    private var statistics = BlockStatistics()
    private var columns: [UInt32: ColumnBounds]
    private let columnOrderings: [UInt32: ValueOrdering]
    private var sortKey: [UInt8] = []

    init(columnOrderings: [UInt32: ValueOrdering]) {
        self.columnOrderings = columnOrderings
        columns = columnOrderings.mapValues { _ in ColumnBounds() }
    }

    /// Adds one encoded row; returns its summary. Throws if the row does not decode.
    mutating func add(row: UnsafeRawBufferPointer) throws(DecodeError) -> RowSummary {
        var view = try RowView(row)
        var summary = RowSummary()
        if let deletion = view.deletion {
            summary.hasRowDeletion = true
            summary.include(timestamp: deletion.timestamp)
            summary.minLocalDeletionSeconds = deletion.localSeconds
        }
        while let cell = try view.nextCell() {
            summarize(cell, into: &summary)
            if !columnOrderings.isEmpty && cell.kind != .tombstone && cell.path.isEmpty {
                include(cell)
            }
        }
        guard view.isFullyRead else { throw .malformed(offset: 0, reason: "bytes after the last cell") }
        record(summary)
        return summary
    }

    private func summarize(_ cell: CellView, into summary: inout RowSummary) {
        summary.include(timestamp: cell.timestamp)
        switch cell.kind {
        case .live: break
        case .expiring:
            summary.expiringCellCount += 1
            summary.minLocalDeletionSeconds = min(summary.minLocalDeletionSeconds, cell.localSeconds)
        case .tombstone:
            summary.cellTombstoneCount += 1
            summary.minLocalDeletionSeconds = min(summary.minLocalDeletionSeconds, cell.localSeconds)
        }
    }

    private mutating func record(_ summary: RowSummary) {
        statistics.rowCount += 1
        statistics.minTimestamp = min(statistics.minTimestamp, summary.minTimestamp)
        statistics.maxTimestamp = max(statistics.maxTimestamp, summary.maxTimestamp)
        statistics.tombstoneCount += summary.cellTombstoneCount + (summary.hasRowDeletion ? 1 : 0)
        statistics.expiringCount += summary.expiringCellCount
    }

    private mutating func include(_ cell: CellView) {
        guard let ordering = columnOrderings[cell.column] else { return }
        ordering.sortKey(UnsafeRawBufferPointer(rebasing: cell.value.prefix(Self.keptSizeBytes)), into: &sortKey)
        columns[cell.column]?.include(sortKey)   // mutates in place
    }

    /// The statistics of the rows added since the last reset.
    func finish() -> BlockStatistics {
        var result = statistics
        for (column, bounds) in columns {
            result.columns[column] = Self.columnStatistics(bounds)
        }
        return result
    }

    private static func columnStatistics(_ bounds: ColumnBounds) -> ColumnStatistics {
        guard bounds.liveCellCount > 0 else {
            return ColumnStatistics(liveCellCount: 0, minSortKey: [], maxSortKey: [], maxIsExact: true)
        }
        let limit = ColumnStatistics.maxSortKeySizeBytes
        let minimum = Array(bounds.minimum.prefix(limit))
        if bounds.maximum.count <= limit {
            return ColumnStatistics(liveCellCount: bounds.liveCellCount, minSortKey: minimum,
                                    maxSortKey: bounds.maximum, maxIsExact: true)
        }
        return ColumnStatistics(liveCellCount: bounds.liveCellCount, minSortKey: minimum,
                                maxSortKey: strictUpperBound(ofPrefix: bounds.maximum.prefix(limit)), maxIsExact: false)
    }

    /// The shortest key above every key starting with `prefix`: drop trailing 0xFF bytes and
    /// increment the last byte left; empty (unbounded) when the prefix is all 0xFF.
    static func strictUpperBound(ofPrefix prefix: ArraySlice<UInt8>) -> [UInt8] {
        var bound = Array(prefix)
        while let last = bound.last, last == 0xFF { bound.removeLast() }
        guard !bound.isEmpty else { return [] }
        bound[bound.count - 1] += 1
        return bound
    }

    /// Starts a new block.
    mutating func reset() {
        statistics = BlockStatistics()
        columns = columnOrderings.mapValues { _ in ColumnBounds() }
    }
}
