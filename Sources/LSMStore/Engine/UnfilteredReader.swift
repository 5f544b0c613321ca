import KVCore

/// Reads one snapshot's reconciled contents of a key range with the deletions kept: the
/// replica side of read reconciliation (`LSMTable.readUnfiltered`).
///
/// Walks two streams in storage order: the rows of every source through a
/// `MergingIterator`, and the partitions holding partition or range tombstones through a
/// `PartitionTombstoneCursor` (so a partition with only deletions is found too). Single
/// use, not thread-safe; `run()` once.
struct UnfilteredReader {
    private let merging: MergingIterator
    private var tombstones: PartitionTombstoneCursor
    private let range: ScanRange
    private let nowSeconds: Int64
    private let limits: UnfilteredReadLimits
    private var result = UnfilteredReadResult()
    private var liveRowCount = 0
    private var sizeBytes = 0
    /// Where rows are encoded to measure them; made by the first row (most point reads
    /// find none).
    private var sizeWriter: ByteWriter?

    init(version: TableVersion, range: ScanRange, nowSeconds: Int64, limits: UnfilteredReadLimits) throws {
        self.range = range
        self.nowSeconds = nowSeconds
        self.limits = limits
        merging = MergingIterator(Self.sources(version, range))
        tombstones = PartitionTombstoneCursor(version: version, range: range)
        if !range.isEmpty { try merging.seek(toStartOf: range) }
    }

    /// The sources to merge: for a range inside one partition, only those that may hold it.
    private static func sources(_ version: TableVersion, _ range: ScanRange) -> [any RowSource] {
        guard let start = range.start, let prefixLength = range.singlePartitionPrefixLength else {
            return SnapshotSources(version: version, skipPolicy: nil).all
        }
        return start.withUnsafeBytes { bytes in
            SnapshotSources(version: version, partitionPrefix: UnsafeRawBufferPointer(rebasing: bytes[..<prefixLength])).all
        }
    }

    /// Reads partitions until the range ends or a limit stops the read.
    mutating func run() throws -> UnfilteredReadResult {
        guard !range.isEmpty else { return result }
        while let prefix = try nextPartitionPrefix() {
            if try readPartition(prefix) {
                result.isExhausted = try nextPartitionPrefix() == nil
                return result
            }
        }
        return result
    }

    /// The packed prefix of the next partition with rows or tombstones in the range.
    private func nextPartitionPrefix() throws -> [UInt8]? {
        let withTombstones = tombstones.nextPrefix()
        guard let key = currentRowKey() else { return withTombstones }
        guard let length = RowKey.partitionPrefixLength(key) else {
            throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row key without partition terminator")
        }
        let rowPrefix = UnsafeRawBufferPointer(rebasing: key[..<length])
        if let withTombstones, withTombstones.withUnsafeBytes({ compareBytes($0, rowPrefix) }) <= 0 {
            return withTombstones
        }
        return Array(rowPrefix)
    }

    /// The merging iterator's key if it is still inside the range.
    private func currentRowKey() -> UnsafeRawBufferPointer? {
        guard merging.isValid else { return nil }
        let key = merging.key
        if let end = range.end, end.withUnsafeBytes({ compareBytes(key, $0) >= 0 }) { return nil }
        return key
    }

    /// Reads one partition's tombstones and rows into the result; true if a limit stopped
    /// the read (the partition so far is in the result).
    private mutating func readPartition(_ prefix: [UInt8]) throws -> Bool {
        let partitionTombstones = tombstones.take(prefix)
        var update = PartitionUpdate(partitionKey: RowKey.decode(prefix)?.partition ?? [])
        if let partitionTombstones {
            Self.keep(partitionTombstones, overlapping: ClusteringWindow(range: range, partitionPrefix: prefix), in: &update)
        }
        sizeBytes += Self.overheadSizeBytes(update)
        while let key = currentRowKey(), prefix.withUnsafeBytes({ hasPrefix(key, $0) }) {
            let row = try reconciledRow(clustering: Array(key[prefix.count...]), tombstones: partitionTombstones)
            try merging.advance()
            guard let row else { continue }
            update.rows.append(row)
            if row.hasLiveData(nowSeconds: nowSeconds) { liveRowCount += 1 }
            sizeBytes += encodedSizeBytes(row)
            if liveRowCount >= limits.maxLiveRows || sizeBytes > limits.maxBytes {
                result.partitions.append(update)
                return true
            }
        }
        guard !update.rows.isEmpty || update.partitionDeletion != nil || !update.rangeTombstones.isEmpty else {
            sizeBytes -= Self.overheadSizeBytes(update)
            return false
        }
        result.partitions.append(update)
        return sizeBytes > limits.maxBytes
    }

    /// Puts in `update` the partition deletion and the range tombstones that overlap the
    /// read's window and are not already covered by the partition deletion.
    static func keep(_ tombstones: PartitionTombstones, overlapping window: ClusteringWindow,
                     in update: inout PartitionUpdate) {
        update.partitionDeletion = tombstones.deletion
        update.rangeTombstones = tombstones.ranges.filter { tombstone in
            window.overlaps(tombstone) && (tombstones.deletion.map { tombstone.deletion.supersedes($0) } ?? true)
        }
    }

    /// The row at the merging iterator's key, reconciled and `shadowed` by the partition's
    /// tombstones; nil if nothing is left.
    private func reconciledRow(clustering: [UInt8], tombstones: PartitionTombstones?) throws -> Row? {
        Self.shadowed(try merging.reconciledRow(clustering: clustering), by: tombstones)
    }

    /// A reconciled row with what the partition and range deletions shadow removed, and its
    /// own deletion dropped when an outer one covers it; nil if nothing is left.
    static func shadowed(_ row: consuming Row, by tombstones: PartitionTombstones?) -> Row? {
        let outer = tombstones?.deletion(covering: row.clustering)
        row.removeShadowed(by: outer)
        if let deletion = row.deletion, let outer, !deletion.supersedes(outer) { row.deletion = nil }
        return row.cells.isEmpty && row.deletion == nil ? nil : row
    }

    /// The size of a row as `PartitionUpdateCodec` would encode it.
    private mutating func encodedSizeBytes(_ row: Row) -> Int {
        var writer = sizeWriter.take() ?? ByteWriter(capacity: 256)
        defer { sizeWriter = writer }
        writer.removeAll()
        RowCodec.encode(row, into: &writer)
        return writer.count + row.clustering.count + 2 * Self.lengthPrefixSizeBytes
    }

    /// Approximately the size of a partition's key and deletions as `PartitionUpdateCodec`
    /// would encode them (varints counted at their largest).
    private static func overheadSizeBytes(_ update: PartitionUpdate) -> Int {
        let deletionSizeBytes = 2 * 10
        var size = update.partitionKey.count + 1 + 3 * lengthPrefixSizeBytes + deletionSizeBytes
        for range in update.rangeTombstones {
            size += range.start.prefix.count + range.end.prefix.count + 2 * (1 + lengthPrefixSizeBytes) + deletionSizeBytes
        }
        return size
    }

    private static let lengthPrefixSizeBytes = 5
}
