/// The `--json` report of a bench run. Encoded with snake_case keys (`BenchReport.encoder`):
/// `config`, `summary` (operation name → `OperationSummary`), `series` (one sample a
/// second), `process` and `elapsed_s`.
public struct BenchReport: Codable, Sendable {
    /// The settings of the run.
    public var config: BenchSettings
    /// Per operation kind, over the measured run (warmup excluded).
    public var summary: [String: OperationSummary]
    /// One sample per second of the measured run.
    public var series: [IntervalSample]
    /// The bench process's own CPU time and peak memory.
    public var process: ProcessUsage
    /// Seconds the measured run lasted.
    public var elapsedS: Double

    /// Creates a report.
    public init(config: BenchSettings, summary: [String: OperationSummary], series: [IntervalSample],
                process: ProcessUsage, elapsedS: Double) {
        self.config = config
        self.summary = summary
        self.series = series
        self.process = process
        self.elapsedS = elapsedS
    }
}

/// Latency percentiles in milliseconds.
public struct LatencyPercentiles: Codable, Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var p9999: Double
    public var max: Double
}

/// One operation kind over the whole measured run.
public struct OperationSummary: Codable, Sendable {
    /// Successful operations.
    public var count: Int
    /// Failed operations other than timeouts.
    public var errors: Int
    /// Timed-out operations.
    public var timeouts: Int
    /// Successful operations per second of the run.
    public var opsPerSecond: Double
    /// Latency of successes (from the intended start under `--rate`).
    public var latencyMs: LatencyPercentiles
    /// Service time of successes (from the send); equals latency in closed loop.
    public var serviceTimeMs: LatencyPercentiles
    /// `errors` by kind.
    public var errorsByKind: [String: Int]
    /// Rows returned (scan and segment), and per second.
    public var rows: Int
    public var rowsPerSecond: Double
    /// The latency distribution: [percentile, ms] pairs for plotting.
    public var distribution: [[Double]]
}

/// One second of the run, per operation kind.
public struct IntervalSample: Codable, Sendable {
    /// Seconds from the start of the measured run to the end of this interval.
    public var timeS: Double
    /// Per operation kind.
    public var operations: [String: IntervalOperation]

    /// The sample of `stats` over an interval of `elapsedS` seconds ending at `timeS`.
    public init(timeS: Double, stats: [String: OperationStats], elapsedS: Double) {
        self.timeS = timeS
        operations = stats.mapValues { IntervalOperation(stats: $0, elapsedS: elapsedS) }
    }
}

/// One operation kind over one interval.
public struct IntervalOperation: Codable, Sendable {
    /// Successes in the interval (its errors and timeouts are counted apart).
    public var count: Int
    public var opsPerSecond: Double
    public var p50: Double
    public var p99: Double
    public var p999: Double
    public var errors: Int
    public var timeouts: Int

    /// The sample of `stats` over `elapsedS` seconds; latencies in ms.
    public init(stats: OperationStats, elapsedS: Double) {
        count = stats.count
        opsPerSecond = elapsedS > 0 ? Double(stats.count) / elapsedS : 0
        p50 = Double(stats.latency.valueAtPercentile(50)) / 1000
        p99 = Double(stats.latency.valueAtPercentile(99)) / 1000
        p999 = Double(stats.latency.valueAtPercentile(99.9)) / 1000
        errors = stats.errors
        timeouts = stats.timeouts
    }
}

/// CPU time and peak resident memory of the bench process (getrusage).
public struct ProcessUsage: Codable, Sendable {
    public var cpuUserS: Double
    public var cpuSystemS: Double
    /// (user + system) / wall time of the measured run, in percent of one core.
    public var cpuPercent: Double
    public var peakRssMb: Double

    /// Creates usage figures.
    public init(cpuUserS: Double, cpuSystemS: Double, cpuPercent: Double, peakRssMb: Double) {
        self.cpuUserS = cpuUserS
        self.cpuSystemS = cpuSystemS
        self.cpuPercent = cpuPercent
        self.peakRssMb = peakRssMb
    }
}
