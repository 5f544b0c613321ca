/// What one thread measured in one benchmark (db_bench's `Stats`).
struct ThreadStats: Sendable {
    var startMicros: Double = 0
    var finishMicros: Double = 0
    var operations: Int64 = 0
    /// Key and value bytes written or read, for the MB/s figure.
    var bytes: Int64 = 0
    /// Appended to the result line, e.g. "(4365 of 5000 found)\n" (db_bench keeps the newline).
    var message = ""
    var histogram: LatencyHistogram?

    var elapsedSeconds: Double { (finishMicros - startMicros) * 1e-6 }
}

/// The merge of every thread's stats and db_bench's result line.
struct BenchmarkReport {
    var stats: ThreadStats
    /// Sum of the threads' own elapsed seconds: db_bench's micros/op divides this by the
    /// operations, while ops/sec and MB/s use the wall time from first start to last finish.
    var threadSeconds: Double

    init(merging threads: [ThreadStats]) {
        precondition(!threads.isEmpty, "a benchmark ran in no thread")
        var merged = threads[0]
        var threadSeconds = threads[0].elapsedSeconds
        for other in threads.dropFirst() {
            merged.operations += other.operations
            merged.bytes += other.bytes
            merged.startMicros = min(merged.startMicros, other.startMicros)
            merged.finishMicros = max(merged.finishMicros, other.finishMicros)
            // db_bench keeps one thread's message (the first that has one).
            if merged.message.isEmpty { merged.message = other.message }
            if let histogram = other.histogram { merged.histogram?.merge(histogram) }
            threadSeconds += other.elapsedSeconds
        }
        self.stats = merged
        self.threadSeconds = threadSeconds
    }

    /// `fillrandom   :       4.775 micros/op 209411 ops/sec 4.775 seconds 1000000 operations;   23.2 MB/s`
    func resultLine(name: String) -> String {
        let operations = max(stats.operations, 1)
        let elapsed = max(stats.elapsedSeconds, 1e-9)
        var extra = ""
        if stats.bytes > 0 {
            extra = cFormat("%6.1f MB/s", Double(stats.bytes) / 1_048_576.0 / elapsed)
        }
        if !stats.message.isEmpty {
            extra += (extra.isEmpty ? "" : " ") + stats.message
        }
        let throughput = Int(Double(operations) / elapsed)
        // "%-12s : %11.3f micros/op %ld ops/sec %.3f seconds %lu operations;%s%s", with the
        // strings placed here (Swift strings are no C varargs).
        let paddedName = name.count >= 12 ? name : name + String(repeating: " ", count: 12 - name.count)
        return paddedName
            + cFormat(" : %11.3f micros/op %ld ops/sec %.3f seconds %lld operations;",
                      threadSeconds * 1e6 / Double(operations), throughput, elapsed, operations)
            + (extra.isEmpty ? "" : " " + extra)
    }
}
