/// The storage operations the benchmarks time, so the timing, key choice and reporting code
/// knows nothing of the engine. `LSMStoreTarget` is the real one.
///
/// Every method may be called from several threads at once.
protocol BenchmarkTarget: AnyObject, Sendable {
    /// Writes `value` under `key` at `timestamp`.
    func write(key: [UInt8], value: [UInt8], timestamp: Int64) throws

    /// The size of the value stored under `key`, or nil if there is none.
    func readValueSize(key: [UInt8]) throws -> Int?

    /// Positions a new iterator at the first key >= `key`, then visits up to `steps` rows
    /// from there (reading each value), as db_bench's seekrandom.
    /// - Returns: whether the first row has exactly `key`, the rows visited and the total
    ///   size of their values.
    func seek(key: [UInt8], steps: Int) throws -> SeekOutcome

    /// Iterates the store in key order, reading each value, for at most `limit` rows; calls
    /// `visit` with each value's size.
    func scan(limit: Int64, visit: (_ valueSizeBytes: Int) -> Void) throws

    /// A full manual compaction; returns when it is done.
    func compact() throws

    /// Flushes the memtable; returns when it is on disk.
    func flush() throws
}

/// The result of one seek of seekrandom.
struct SeekOutcome {
    var found: Bool
    var rowsVisited: Int
    var valueBytes: Int
}
