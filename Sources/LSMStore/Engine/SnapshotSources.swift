import KVCore

/// The row sources of one snapshot, in the order scans merge them: every memtable, then
/// each level-0 SSTable, then one source per deeper level (its files do not overlap).
/// Shared by the live scan (`TableScanner`) and the unfiltered read (`UnfilteredReader`).
struct SnapshotSources {
    /// Every source, for a `MergingIterator`.
    private(set) var all: [any RowSource] = []
    /// The level-0 SSTable sources (kept apart to sum their skipped blocks).
    private(set) var sstables: [SSTableSource] = []
    /// The sources of levels 1 and deeper.
    private(set) var levels: [LevelSource] = []

    /// Opens a source over each memtable and SSTable of `version`; with `skipPolicy`, SSTable
    /// sources pass over blocks the policy rules out; without `fillsCache`, blocks read from
    /// files are not kept in the block cache. No I/O until the sources are positioned.
    init(version: TableVersion, skipPolicy: BlockSkipPolicy?, fillsCache: Bool = true) {
        all = version.memTables.map { MemTableSource($0) }
        for (level, files) in version.levels.enumerated() where !files.isEmpty {
            if level == 0 {
                sstables = files.map { SSTableSource($0, skipPolicy: skipPolicy, fillsCache: fillsCache) }
                all.append(contentsOf: sstables)
            } else {
                let source = LevelSource(files, skipPolicy: skipPolicy, fillsCache: fillsCache)
                levels.append(source)
                all.append(source)
            }
        }
    }

    /// The sources of a read of one partition (packed prefix `partitionPrefix`): only the
    /// memtables whose partition index holds it, and the files that may (one per deeper
    /// level, found by key range) whose bloom filter admits it. Partition tombstones are
    /// not rows: `PartitionTombstoneCursor` finds them in every source. No skip policy, so
    /// `blocksSkipped` stays 0 and the files are only in `all`.
    init(version: TableVersion, partitionPrefix: UnsafeRawBufferPointer) {
        var all: [any RowSource] = []
        for memTable in version.memTables where memTable.firstRow(ofPartition: partitionPrefix) != nil {
            all.append(MemTableSource(memTable))
        }
        version.forEachCandidate(partitionPrefix: partitionPrefix) { file in
            if file.reader.mayContain(partitionPrefix: partitionPrefix) { all.append(SSTableSource(file)) }
        }
        self.all = all
    }

    /// Data blocks passed over so far because the skip policy ruled them out.
    var blocksSkipped: Int {
        sstables.reduce(0) { $0 + $1.blocksSkipped } + levels.reduce(0) { $0 + $1.blocksSkipped }
    }
}
