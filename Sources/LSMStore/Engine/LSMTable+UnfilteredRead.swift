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
}
