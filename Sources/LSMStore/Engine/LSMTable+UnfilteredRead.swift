import KVCore

extension LSMTable {
    /// Reconciled contents of `range`, tombstones included, as of the clock's time now: what
    /// this replica knows, for a coordinator to reconcile with other replicas' answers.
    ///
    /// Each partition of the range that holds rows or deletions comes back once, in storage
    /// order, with its newest partition deletion, the range tombstones that overlap the range
    /// (less those the partition deletion covers), and its rows in clustering order. A row is
    /// every fragment reconciled, tombstone cells and its own deletion kept, with the cells
    /// the partition deletion, a covering range tombstone or the row deletion shadow removed;
    /// a row left with nothing is omitted. Expired TTL cells come back as they are stored
    /// (`Cell.isLive` says they are dead). Partitions in the range with only a partition
    /// deletion or range tombstones are returned too.
    ///
    /// Reads one snapshot; never waits for flushes or compactions. Stops, with
    /// `isExhausted == false`, after the row that reaches `limits.maxLiveRows` rows with live
    /// data, or once what it collected passes `limits.maxBytes`; `remainder(of:)` on the
    /// result gives the range of the next page. Throws `.invalidArgument` for limits below 1.
    public func readUnfiltered(_ range: ScanRange, limits: UnfilteredReadLimits = UnfilteredReadLimits()) throws -> UnfilteredReadResult {
        try checkOpen()
        guard limits.maxLiveRows >= 1, limits.maxBytes >= 1 else {
            throw StoreError.invalidArgument("unfiltered read limits must be at least 1 (got \(limits))")
        }
        var reader = try UnfilteredReader(version: version, range: range, nowSeconds: context.clock.nowSeconds(),
                                          limits: limits)
        return try reader.run()
    }

    /// The row `readUnfiltered` returns for the slice of `partition` from `clustering` to
    /// `clustering`, both inclusive, for a clustering that no other row key of the partition
    /// starts with (a full clustering, or the empty one of a table without clustering
    /// columns): every fragment reconciled, tombstone cells and its own deletion kept, what
    /// the partition's deletions shadow removed; nil if nothing is left of it. Found by
    /// looking the row up in each memtable and candidate SSTable instead of merging iterators
    /// over them (perf: building and seeking the merge was most of a point read's storage
    /// time); the partition's tombstones are only looked up when the row exists.
    public func readMerged(partition: [UInt8], clustering: [UInt8]) throws -> Row? {
        try checkOpen()
        let snapshot = version
        return try RowKey.withPacked(partition: partition, clustering: clustering) { key, prefixLength throws -> Row? in
            guard let row = try Self.row(at: key, prefixLength: prefixLength, clustering: clustering, in: snapshot) else {
                return nil
            }
            return UnfilteredReader.shadowed(row, by: Self.tombstones(of: UnsafeRawBufferPointer(rebasing: key[..<prefixLength]),
                                                                    in: snapshot))
        }
    }

    /// Every fragment of the row at `key` reconciled, deletions kept; nil if no source has one.
    private static func row(at key: UnsafeRawBufferPointer, prefixLength: Int, clustering: [UInt8],
                            in snapshot: TableVersion) throws -> Row? {
        var row: Row?
        func merge(_ bytes: UnsafeRawBufferPointer, from path: String) throws(StoreError) {
            let fragment: Row
            do {
                fragment = try RowCodec.decode(bytes, clustering: clustering)
            } catch {
                throw StoreError.corruption(file: path, offset: 0, reason: "row fragment does not decode: \(error)")
            }
            if row == nil { row = Row(clustering: clustering) }
            row!.merge(fragment)
        }
        for memTable in snapshot.memTables {
            if let bytes = memTable.get(key, partitionPrefixLength: prefixLength) { try merge(bytes, from: "(memtable)") }
        }
        try snapshot.forEachCandidate(partitionPrefix: UnsafeRawBufferPointer(rebasing: key[..<prefixLength])) { file in
            let failure = try file.reader.withValue(forKey: key) { bytes in
                Result { () throws(StoreError) in try merge(bytes, from: file.reader.path) }
            }
            try failure?.get()
        }
        return row
    }

    /// The partition's tombstones merged across every source, as `PartitionTombstoneCursor`
    /// merges them; nil if none has any.
    private static func tombstones(of prefix: UnsafeRawBufferPointer, in snapshot: TableVersion) -> PartitionTombstones? {
        var merged: PartitionTombstones?
        for memTable in snapshot.memTables where memTable.hasTombstones {
            if let entry = memTable.tombstones(partitionPrefix: Array(prefix)) { PartitionTombstones.merge(entry, into: &merged) }
        }
        for handle in snapshot.allSSTables where handle.statistics.hasPartitionTombstones {
            if let entry = handle.reader.tombstones(partitionPrefix: prefix) { PartitionTombstones.merge(entry, into: &merged) }
        }
        return merged
    }
}
