import KVCore

/// Runs one compaction task: merges the inputs through a `CompactionMerger` into new
/// SSTables, cut at partition boundaries near the target size.
struct CompactionExecutor {
    let table: LSMTable
    let task: CompactionTask
    let merger: CompactionMerger
    /// Background compactions are throttled to this many bytes per second (0: unthrottled).
    let throughputBytesPerSecond: Int

    func run() throws -> [SSTableHandle] {
        // Compaction reads each block once: keep it out of the cache so hot blocks stay.
        let sources: [any RowSource] = task.inputs.map { SSTableSource($0, fillsCache: false) }
        let merging = MergingIterator(sources)
        try merging.seekToFirst()
        var tombstones = merger.mergeTombstones(task.inputs)[...]
        var outputs = CompactionOutputs(table: table, merger: merger, targetFileSizeBytes: task.targetFileSizeBytes,
                                        throughputBytesPerSecond: throughputBytesPerSecond)
        do {
            var partition: [UInt8] = []
            var partitionTombstones: PartitionTombstones?
            while merging.isValid {
                let key = merging.key
                guard let prefixLength = RowKey.partitionPrefixLength(key) else {
                    throw StoreError.corruption(file: task.inputs[0].reader.path, offset: 0, reason: "row key without partition terminator")
                }
                let prefix = UnsafeRawBufferPointer(rebasing: key[..<prefixLength])
                if !partition.withUnsafeBytes({ compareBytes($0, prefix) == 0 }) {
                    partition = Array(prefix)
                    try outputs.startPartition(partition)
                    partitionTombstones = try outputs.addTombstones(upTo: partition, from: &tombstones)
                }
                try compactRow(merging, key: key, prefixLength: prefixLength, tombstones: partitionTombstones, into: &outputs)
                try merging.advance()
            }
            try outputs.addRemainingTombstones(&tombstones)
            return try outputs.finish()
        } catch {
            outputs.abandon()
            throw error
        }
    }

    /// Writes what the output keeps of the row at the merging iterator's current key.
    /// The common case, a single fragment of live values with no tombstone around it, is
    /// copied as it is, without decoding.
    private func compactRow(_ merging: MergingIterator, key: UnsafeRawBufferPointer, prefixLength: Int,
                            tombstones: PartitionTombstones?, into outputs: inout CompactionOutputs) throws {
        if merging.group.count == 1 && tombstones == nil {
            let bytes = merging.sources[merging.group[0]].value
            if try holdsOnlyLiveValues(bytes, source: merging.group[0]) {
                try outputs.add(key: key, row: bytes)
                return
            }
        }
        let clustering = Array(key[prefixLength...])
        let fragments = try merging.group.map { index throws in
            try decode(merging.sources[index].value, clustering: clustering, source: index)
        }
        if let row = merger.compact(fragments, outer: outerDeletion(tombstones, clustering)) {
            try outputs.add(key: Array(key), row: RowCodec.encode(row))
        }
    }

    /// Whether a row fragment has no deletion, tombstone or TTL: nothing compaction could
    /// purge or must reconcile.
    private func holdsOnlyLiveValues(_ bytes: UnsafeRawBufferPointer, source: Int) throws -> Bool {
        do {
            var view = try RowView(bytes)
            guard view.deletion == nil else { return false }
            while let cell = try view.nextCell() {
                if cell.kind != .live { return false }
            }
            return true
        } catch {
            throw StoreError.corruption(file: task.inputs[source].reader.path, offset: 0, reason: "row does not decode: \(error)")
        }
    }

    private func outerDeletion(_ tombstones: PartitionTombstones?, _ clustering: [UInt8]) -> DeletionTime? {
        guard let tombstones else { return nil }
        var result = tombstones.deletion
        for range in tombstones.ranges where range.covers(clustering) {
            result = DeletionTime.latest(result, range.deletion)
        }
        return result
    }

    private func decode(_ bytes: UnsafeRawBufferPointer, clustering: [UInt8], source: Int) throws -> Row {
        do {
            return try RowCodec.decode(bytes, clustering: clustering)
        } catch {
            throw StoreError.corruption(file: task.inputs[source].reader.path, offset: 0, reason: "row does not decode: \(error)")
        }
    }
}

/// The files a compaction writes, one after another.
struct CompactionOutputs {
    let table: LSMTable
    let merger: CompactionMerger
    let targetFileSizeBytes: Int?
    let throughputBytesPerSecond: Int
    private var writer: SSTableOutputFile?
    private var finished: [SSTableHandle] = []
    private let startNanos: UInt64
    private var bytesBeforeCurrent = 0

    init(table: LSMTable, merger: CompactionMerger, targetFileSizeBytes: Int?, throughputBytesPerSecond: Int) {
        self.table = table
        self.merger = merger
        self.targetFileSizeBytes = targetFileSizeBytes
        self.throughputBytesPerSecond = throughputBytesPerSecond
        startNanos = table.context.clock.monotonicNanos()
    }

    /// Called at each new partition: cuts the current file if it is big enough.
    mutating func startPartition(_ prefix: [UInt8]) throws {
        if let writer, let target = targetFileSizeBytes, writer.writer.estimatedSizeBytes >= target {
            bytesBeforeCurrent += writer.writer.estimatedSizeBytes
            finished.append(try writer.finish())
            self.writer = nil
        }
        throttle()
    }

    /// Adds every pending partition tombstone up to and including `prefix`; returns the
    /// tombstones of `prefix` itself, if any.
    mutating func addTombstones(upTo prefix: [UInt8],
                                from pending: inout ArraySlice<PartitionTombstones>) throws -> PartitionTombstones? {
        var own: PartitionTombstones?
        while let next = pending.first, compareBytes(next.partitionPrefix, prefix) <= 0 {
            try addPurged(next)
            if next.partitionPrefix == prefix { own = next }
            pending.removeFirst()
        }
        return own
    }

    mutating func addRemainingTombstones(_ pending: inout ArraySlice<PartitionTombstones>) throws {
        for tombstones in pending { try addPurged(tombstones) }
        pending = []
    }

    private mutating func addPurged(_ tombstones: PartitionTombstones) throws {
        if let kept = merger.purge(tombstones) { try currentWriter().writer.add(kept) }
    }

    mutating func add(key: [UInt8], row: [UInt8]) throws {
        try currentWriter().writer.add(key: key, row: row)
    }

    mutating func add(key: UnsafeRawBufferPointer, row: UnsafeRawBufferPointer) throws {
        try currentWriter().writer.add(key: key, row: row)
    }

    private mutating func currentWriter() throws -> SSTableOutputFile {
        if let writer { return writer }
        let created = try SSTableOutputFile(table: table, fileNumber: table.context.allocateFileNumber())
        writer = created
        return created
    }

    mutating func finish() throws -> [SSTableHandle] {
        if let writer { finished.append(try writer.finish()) }
        writer = nil
        return finished
    }

    mutating func abandon() {
        writer?.abandon()
        writer = nil
        for handle in finished { handle.markObsolete() }
        finished = []
    }

    /// Sleeps as needed to keep the average write rate under the configured throughput.
    private func throttle() {
        guard throughputBytesPerSecond > 0 else { return }
        let written = Double(bytesBeforeCurrent + (writer?.writer.estimatedSizeBytes ?? 0))
        let elapsed = Double(table.context.clock.monotonicNanos() - startNanos) / 1e9
        let due = written / Double(throughputBytesPerSecond)
        if due > elapsed + 0.001 { usleepMilliseconds(min(Int((due - elapsed) * 1000), 1000)) }
    }
}
