/// The db_bench flags lsm-bench understands, with db_bench's defaults unless noted.
///
/// The same command line runs RocksDB's `db_bench` and lsm-bench (PERFORMANCE.md §1), so a
/// flag keeps db_bench's name, meaning and default; a flag db_bench has and we do not is an
/// error, never silently ignored.
struct BenchmarkFlags: Sendable {
    /// The benchmarks to run, in order, on one open store.
    var benchmarks = ["fillseq", "fillrandom", "overwrite", "readrandom", "seekrandom", "readseq"]
    /// Keys written by a fill, per thread; also the key space `[0, num)`.
    var num: Int64 = 1_000_000
    var keySizeBytes = 16
    var valueSizeBytes = 100
    /// Reads per thread for readrandom, seekrandom and readseq; negative means `num`.
    var reads: Int64 = -1
    /// `Next()` calls after each seek of seekrandom.
    var seekNexts = 0
    /// `lz4` or `none`. db_bench's default is Snappy, which we do not have: ours is LZ4.
    var compression = Compression.lz4
    /// The fraction of each value that stays after compression.
    var compressionRatio = 0.5
    /// Each benchmark runs in this many threads, each doing the full `num` (or `reads`)
    /// operations, as db_bench does; `compact` runs once.
    var threads = 1
    /// The store's directory; required.
    var databaseDirectory: String?
    /// Open the store found at `databaseDirectory` instead of starting empty; fills are skipped.
    var useExistingDatabase = false
    /// Block cache capacity. db_bench's default, 8 MiB (our engine's own default is 256 MiB).
    var cacheSizeBytes = 8 << 20
    /// Uncompressed SSTable data block size. db_bench's default, 4 KiB (our engine's own is 16 KiB).
    var blockSizeBytes = 4096
    /// Data blocks get a hash index (`--data_block_index_type=1`); off by default, as in db_bench.
    var dataBlockHashIndex = false
    /// Memtable size. db_bench's default, 64 MiB.
    var writeBufferSizeBytes = 64 << 20
    /// Seed of the key choices; 0 derives one from the clock, as db_bench.
    var seed: Int64 = 0
    /// Print latency percentiles after each result line.
    var histogram = false
    /// Commit log in batch mode (every write synced) instead of periodic sync.
    var sync = false

    /// The compressions lsm-bench can give the engine.
    enum Compression: String, Sendable {
        case lz4
        case none
    }

    /// Reads per thread after applying the `reads < 0 means num` rule.
    var readsPerThread: Int64 { reads < 0 ? num : reads }
}

/// A bad command line: the message names the flag.
struct FlagError: Error, CustomStringConvertible {
    var description: String
}
