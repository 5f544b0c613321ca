/// The db_bench benchmarks lsm-bench implements, by db_bench's names.
enum BenchmarkKind: String, CaseIterable, Sendable {
    /// Writes keys 0, 1, ..., num-1 in order, into a fresh store.
    case fillseq
    /// Writes num keys drawn uniformly from [0, num), into a fresh store.
    case fillrandom
    /// As fillrandom, over the existing store.
    case overwrite
    /// A full manual compaction, once (whatever `--threads`).
    case compact
    /// Flushes the memtable, once.
    case flush
    /// Point reads of keys drawn uniformly from [0, num); counts the keys found.
    case readrandom
    /// Seeks to a key drawn from [0, num), then `seek_nexts` steps; a fresh iterator each time.
    case seekrandom
    /// One pass over the store in key order, at most `reads` rows per thread.
    case readseq

    /// db_bench starts these from an empty database (and skips them with `--use_existing_db`).
    var needsFreshDatabase: Bool { self == .fillseq || self == .fillrandom }

    /// Whether one thread does it, whatever `--threads`.
    var runsOnce: Bool { self == .compact || self == .flush }

    /// The operation name in db_bench's histogram heading ("Microseconds per write:").
    var operationName: String {
        switch self {
        case .fillseq, .fillrandom, .overwrite: "write"
        case .readrandom, .readseq: "read"
        case .seekrandom: "seek"
        case .compact: "compact"
        case .flush: "flush"
        }
    }
}
