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
    /// With `partitionPrefix` (a read of one partition), files whose bloom filter rules it out
    /// get no source (memtables answer from their partition index when positioned).
    init(version: TableVersion, skipPolicy: BlockSkipPolicy?, fillsCache: Bool = true,
         partitionPrefix: UnsafeRawBufferPointer? = nil) {
        var levelFiles = version.levels
        if let partitionPrefix {
            levelFiles = levelFiles.map { files in files.filter { $0.reader.mayContain(partitionPrefix: partitionPrefix) } }
        }
        all = version.memTables.map { MemTableSource($0) }
        for (level, files) in levelFiles.enumerated() where !files.isEmpty {
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

    /// Data blocks passed over so far because the skip policy ruled them out.
    var blocksSkipped: Int {
        sstables.reduce(0) { $0 + $1.blocksSkipped } + levels.reduce(0) { $0 + $1.blocksSkipped }
    }
}
