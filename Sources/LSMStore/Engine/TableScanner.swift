import KVCore

/// A cursor over a table's live rows in storage order, over one snapshot: row fragments
/// from every memtable and SSTable are reconciled, partition and range tombstones applied,
/// and rows with nothing live are skipped.
///
/// Not thread-safe. `key` and `rowBytes` stay valid until the next call that moves it.
/// Where a row has a single fragment and no tombstone covers it, `rowBytes` points into
/// the source without copying (the fast path of sequential reads).
public final class TableScanner {
    private let merging: MergingIterator
    private let version: TableVersion
    private let end: [UInt8]?
    private let nowSeconds: Int64
    private let tombstoneSources: [any RowSource]
    private var needsAdvance = false
    private var isExhausted = false
    private var partitionPrefix: [UInt8] = []
    private var partitionDeletion: DeletionTime?
    private var partitionRanges: [RangeTombstone] = []
    private var mergedRowWriter = ByteWriter(capacity: 256)
    private let mergedRow = ScratchBuffer()
    /// The deletion covering the current row from outside it (partition or range), if any.
    private var outerDeletion: DeletionTime?

    /// The current row's packed key.
    public private(set) var key = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The current row's reconciled fragment (it may still contain dead cells; `row()` gives
    /// the live view).
    public private(set) var rowBytes = UnsafeRawBufferPointer(start: nil, count: 0)

    private let sources: SnapshotSources

    init(version: TableVersion, range: ScanRange, nowSeconds: Int64, skipPolicy: BlockSkipPolicy?,
         fillsCache: Bool = true) throws {
        self.version = version
        self.end = range.end
        self.nowSeconds = nowSeconds
        sources = SnapshotSources(version: version, skipPolicy: skipPolicy, fillsCache: fillsCache)
        tombstoneSources = sources.all.filter { $0.hasTombstones }
        merging = MergingIterator(sources.all)
        try merging.seek(toStartOf: range)
    }

    /// Repositions at the first row of the first partition >= `partition`.
    public func seek(partition: [UInt8]) throws {
        try RowKey.partitionPrefix(partition).withUnsafeBytes { buffer throws in try merging.seek(buffer) }
        needsAdvance = false
        isExhausted = false
    }

    /// Moves to the next live row; false at the end of the range.
    public func next() throws -> Bool {
        if needsAdvance {
            try merging.advance()
            needsAdvance = false
        }
        while merging.isValid && !isExhausted {
            let candidate = merging.key
            if let end, end.withUnsafeBytes({ compareBytes(candidate, $0) >= 0 }) {
                isExhausted = true
                return false
            }
            if try positionOnLiveRow(candidate) {
                needsAdvance = true
                return true
            }
            try merging.advance()
        }
        return false
    }

    /// Reconciles the fragments at `candidate`; true if the row has live data.
    private func positionOnLiveRow(_ candidate: UnsafeRawBufferPointer) throws -> Bool {
        guard let prefixLength = RowKey.partitionPrefixLength(candidate) else {
            throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row key without partition terminator")
        }
        let prefix = UnsafeRawBufferPointer(rebasing: candidate[..<prefixLength])
        if !partitionPrefix.withUnsafeBytes({ compareBytes($0, prefix) == 0 }) { enterPartition(prefix) }
        outerDeletion = partitionDeletion
        if !partitionRanges.isEmpty {
            let clustering = Array(candidate[prefixLength...])
            for range in partitionRanges where range.covers(clustering) {
                outerDeletion = DeletionTime.latest(outerDeletion, range.deletion)
            }
        }
        if let lone = merging.loneValue {
            rowBytes = lone
        } else {
            try mergeFragments(clusteringStart: prefixLength)
        }
        key = candidate
        return try Self.hasLiveCell(rowBytes, nowSeconds: nowSeconds, outerDeletion: outerDeletion)
    }

    private func enterPartition(_ prefix: UnsafeRawBufferPointer) {
        partitionPrefix.removeAll(keepingCapacity: true)
        partitionPrefix.append(contentsOf: prefix)
        partitionDeletion = nil
        partitionRanges.removeAll(keepingCapacity: true)
        for source in tombstoneSources {
            guard let tombstones = source.tombstones(partitionPrefix: prefix) else { continue }
            partitionDeletion = DeletionTime.latest(partitionDeletion, tombstones.deletion)
            partitionRanges.append(contentsOf: tombstones.ranges)
        }
    }

    private func mergeFragments(clusteringStart: Int) throws {
        let row = try merging.reconciledRow(clustering: Array(merging.key[clusteringStart...]))
        mergedRowWriter.removeAll()
        RowCodec.encode(row, into: &mergedRowWriter)
        rowBytes = mergedRow.store(mergedRowWriter.bytes)
    }

    /// Whether encoded row bytes hold a cell live at `nowSeconds` that no deletion shadows.
    static func hasLiveCell(_ bytes: UnsafeRawBufferPointer, nowSeconds: Int64,
                            outerDeletion: DeletionTime?) throws -> Bool {
        do {
            var view = try RowView(bytes)
            let deletion = DeletionTime.latest(view.deletion, outerDeletion)
            while let cell = try view.nextCell() {
                if cell.isLive(nowSeconds: nowSeconds) && !(deletion?.shadows(cell.timestamp) ?? false) { return true }
            }
            return false
        } catch {
            throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row does not decode: \(error)")
        }
    }

    /// The current row's live view: its clustering key and its live, unshadowed cells.
    public func row() throws -> Row {
        guard let parts = RowKey.decode(key) else {
            throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row key without partition terminator")
        }
        var row: Row
        do {
            row = try RowCodec.decode(rowBytes, clustering: parts.clustering)
        } catch {
            throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row does not decode: \(error)")
        }
        row.removeShadowed(by: outerDeletion)
        row.removeDeadCells(nowSeconds: nowSeconds)
        row.deletion = nil
        return row
    }

    /// Calls `body` with each cell of the current row that is live and not shadowed by a
    /// deletion, read in place (valid only during the call): the cells `row()` would keep,
    /// without building it. Cells come in column order; `body` returns false to stop.
    public func forEachLiveCell(_ body: (CellView) throws -> Bool) throws {
        var view: RowView
        do {
            view = try RowView(rowBytes)
        } catch {
            throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row does not decode: \(error)")
        }
        let deletion = DeletionTime.latest(view.deletion, outerDeletion)
        var columnDeletion: (UInt32, Int64)?
        while true {
            let next: CellView?
            do {
                next = try view.nextCell()
            } catch {
                throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row does not decode: \(error)")
            }
            guard let cell = next else { return }
            // Cells come by column, then path: a column tombstone (empty path) precedes the
            // elements it deletes.
            if cell.kind == .tombstone && cell.path.isEmpty {
                columnDeletion = (cell.column, cell.timestamp)
                continue
            }
            if let (column, timestamp) = columnDeletion, column == cell.column, cell.timestamp <= timestamp { continue }
            if cell.isLive(nowSeconds: nowSeconds) && !(deletion?.shadows(cell.timestamp) ?? false) {
                guard try body(cell) else { return }
            }
        }
    }

    /// Data blocks passed over so far because the scan's block predicate ruled them out.
    public var blocksSkipped: Int {
        sources.blocksSkipped
    }

    /// The current row's partition key.
    public var partitionKey: [UInt8] { RowKey.decode(key)?.partition ?? [] }

    /// The current row's clustering key.
    public var clustering: [UInt8] { RowKey.decode(key)?.clustering ?? [] }
}
