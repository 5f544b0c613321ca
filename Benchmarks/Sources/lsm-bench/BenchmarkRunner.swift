/// Runs db_bench's benchmarks against a target: chooses keys, builds values, times every
/// thread and merges the stats, as db_bench's `Benchmark` does.
///
/// What each benchmark does and counts follows db_bench (tools/db_bench_tool.cc): writes
/// count key + value bytes; readrandom counts key + value bytes of the keys found and prints
/// "(found of read found)"; seekrandom counts key + value bytes of the rows stepped over;
/// readseq counts key + value bytes of every row read.
struct BenchmarkRunner<Target: BenchmarkTarget>: Sendable {
    let flags: BenchmarkFlags
    let keys: KeyEncoder
    let values: ValueGenerator
    let timestamps: TimestampCounter
    /// The seed every thread's key generator derives from.
    let seedBase: UInt64

    init(flags: BenchmarkFlags, seedBase: UInt64) {
        self.flags = flags
        self.keys = KeyEncoder(keySizeBytes: flags.keySizeBytes)
        self.values = ValueGenerator(valueSizeBytes: flags.valueSizeBytes, compressionRatio: flags.compressionRatio)
        self.timestamps = TimestampCounter()
        self.seedBase = seedBase
    }

    /// Runs benchmark number `position` of the list on `target` and merges its threads' stats.
    func run(_ kind: BenchmarkKind, position: Int, on target: Target) throws -> BenchmarkReport {
        let threadCount = kind.runsOnce ? 1 : flags.threads
        let results = ThreadRunner.run(count: threadCount) { threadIndex, waitForStart in
            var random = KeyRandom(seed: threadSeed(position: position, threadIndex: threadIndex))
            return Result { () throws -> ThreadStats in
                try runThread(kind, on: target, random: &random, waitForStart: waitForStart)
            }
        }
        return BenchmarkReport(merging: try results.map { try $0.get() })
    }

    private func threadSeed(position: Int, threadIndex: Int) -> UInt64 {
        var mixer = KeyRandom(seed: seedBase ^ (UInt64(position) << 32 | UInt64(threadIndex)))
        return mixer.next()
    }

    private func runThread(_ kind: BenchmarkKind, on target: Target, random: inout KeyRandom,
                           waitForStart: () -> Void) throws -> ThreadStats {
        var timer = OperationTimer(histogram: flags.histogram)
        waitForStart()
        timer.start()
        switch kind {
        case .fillseq, .fillrandom, .overwrite:
            try write(sequential: kind == .fillseq, on: target, random: &random, timer: &timer)
        case .readrandom:
            try readRandom(on: target, random: &random, timer: &timer)
        case .seekrandom:
            try seekRandom(on: target, random: &random, timer: &timer)
        case .readseq:
            try target.scan(limit: flags.readsPerThread) { valueSizeBytes in
                timer.finishOperation(bytes: Int64(flags.keySizeBytes + valueSizeBytes))
            }
        case .compact:
            try target.compact()
        case .flush:
            try target.flush()
        }
        return timer.finish()
    }

    private func write(sequential: Bool, on target: Target, random: inout KeyRandom,
                       timer: inout OperationTimer) throws {
        var cursor = ValueGenerator.Cursor()
        var key = keys.makeBuffer()
        let num = UInt64(flags.num)
        let bytesPerWrite = Int64(flags.keySizeBytes + flags.valueSizeBytes)
        for index in 0..<num {
            keys.encode(sequential ? index : random.next(below: num), into: &key)
            try target.write(key: key, value: values.next(&cursor), timestamp: timestamps.next())
            timer.finishOperation(bytes: bytesPerWrite)
        }
    }

    private func readRandom(on target: Target, random: inout KeyRandom, timer: inout OperationTimer) throws {
        var key = keys.makeBuffer()
        let num = UInt64(flags.num)
        let reads = flags.readsPerThread
        var found: Int64 = 0
        for _ in 0..<reads {
            keys.encode(random.next(below: num), into: &key)
            if let valueSizeBytes = try target.readValueSize(key: key) {
                found += 1
                timer.finishOperation(bytes: Int64(flags.keySizeBytes + valueSizeBytes))
            } else {
                timer.finishOperation(bytes: 0)
            }
        }
        timer.stats.message = "(\(found) of \(reads) found)\n"
    }

    private func seekRandom(on target: Target, random: inout KeyRandom, timer: inout OperationTimer) throws {
        var key = keys.makeBuffer()
        let num = UInt64(flags.num)
        let reads = flags.readsPerThread
        var found: Int64 = 0
        for _ in 0..<reads {
            keys.encode(random.next(below: num), into: &key)
            let outcome = try target.seek(key: key, steps: flags.seekNexts)
            if outcome.found { found += 1 }
            timer.finishOperation(bytes: Int64(outcome.rowsVisited * flags.keySizeBytes + outcome.valueBytes))
        }
        timer.stats.message = "(\(found) of \(reads) found)\n"
    }
}

/// One thread's clock: counts operations and bytes and, with `--histogram`, the time
/// between consecutive operation ends (db_bench's `FinishedOps`).
struct OperationTimer {
    var stats = ThreadStats()
    private var lastNanos: UInt64 = 0

    init(histogram: Bool) {
        if histogram { stats.histogram = LatencyHistogram() }
    }

    mutating func start() {
        stats.startMicros = monotonicMicros()
        lastNanos = monotonicNanos()
    }

    @inline(__always)
    mutating func finishOperation(bytes: Int64) {
        stats.operations += 1
        stats.bytes += bytes
        if stats.histogram != nil {
            let now = monotonicNanos()
            stats.histogram!.record(nanos: now &- lastNanos)
            lastNanos = now
        }
    }

    mutating func finish() -> ThreadStats {
        stats.finishMicros = monotonicMicros()
        return stats
    }
}
