import KVCore

/// Settings of a whole store (one node's engine). Defaults are documented here, in one place.
public struct StoreOptions: Sendable {
    /// The shared commit log. Default: periodic sync every 10 s (Cassandra's default).
    public var commitLog = CommitLogOptions()
    /// Where commit-log segments live; nil means `<store directory>/commitlog`. A separate
    /// disk for the log keeps its sequential fsyncs away from flush and compaction I/O.
    public var commitLogDirectory: String?
    /// A table's mutable memtable is switched out and flushed when it holds this much (seen
    /// within an eighth more, `MemTable.summedSize`). Default 64 MiB.
    public var memtableSizeBytes = 64 << 20
    /// The mutable memtables of all tables together: past this, the largest are switched out
    /// and flushed until the rest fit (checked by the flush thread each time a memtable grew by
    /// a 64th of `memtableSizeBytes` in one shard). Immutable memtables waiting for flush are
    /// not counted (at most `maxFlushBacklog` per table). Default 1 GiB.
    public var memtableSpaceBytes = 1 << 30
    /// Immutable memtables waiting for flush, per table, before writers are slowed down. Default 2.
    public var maxFlushBacklog = 2
    /// The LRU cache of decompressed SSTable blocks, shared by all tables. Default 256 MiB.
    public var blockCacheSizeBytes = 256 << 20
    /// Background compaction's write rate in bytes per second; 0 means unthrottled.
    /// Default 64 MiB/s (Cassandra's compaction_throughput). Manual compaction is not throttled.
    public var compactionThroughputBytesPerSecond = 64 << 20
    /// Level-0 (or, for size-tiered tables, total) SSTable count from which each write is
    /// delayed by a millisecond. Default 20.
    public var slowdownSSTableCount = 20
    /// SSTable count from which writes wait for compaction. Default 36.
    public var stopSSTableCount = 36

    public init() {}
}

/// How a table compacts, chosen per table (CQL `WITH compaction = {'class': ...}`).
public enum CompactionStrategy: Sendable, Equatable {
    /// Cassandra's SizeTieredCompactionStrategy: merge `minThreshold`...`maxThreshold`
    /// SSTables of similar size (within `bucketLow`...`bucketHigh` of their bucket's mean).
    case sizeTiered(minThreshold: Int = 4, maxThreshold: Int = 32, bucketLow: Double = 0.5, bucketHigh: Double = 1.5)
    /// Leveled compaction (LevelDB/RocksDB, Cassandra's LCS): level 0 holds flushed files;
    /// levels 1+ hold non-overlapping files of about `targetFileSizeBytes`, each level
    /// `fanout` times larger than the one above, level 1 being `levelOneSizeBytes`.
    case leveled(targetFileSizeBytes: Int = 64 << 20, levelOneSizeBytes: Int = 256 << 20,
                 fanout: Int = 10, levelZeroTrigger: Int = 4)

    /// Size-tiered with Cassandra's defaults.
    public static let defaultSizeTiered = CompactionStrategy.sizeTiered()
    /// Leveled with the defaults above.
    public static let defaultLeveled = CompactionStrategy.leveled()
}

/// Settings of one table.
public struct TableOptions: Sendable, Equatable {
    /// Default size-tiered, as Cassandra.
    public var compaction = CompactionStrategy.defaultSizeTiered
    /// How long tombstones and expired cells are kept before compaction may purge them,
    /// so that replicas learn of the deletion first. Default 10 days (864000 s), as Cassandra.
    public var gcGraceSeconds: Int64 = 864_000
    /// Block size, compression, bloom filter and statistics columns of new SSTables.
    public var sstable = SSTableWriterOptions()

    public init(compaction: CompactionStrategy = .defaultSizeTiered, gcGraceSeconds: Int64 = 864_000,
                sstable: SSTableWriterOptions = SSTableWriterOptions()) {
        self.compaction = compaction
        self.gcGraceSeconds = gcGraceSeconds
        self.sstable = sstable
    }
}
