import Histogram

extension LatencyPercentiles {
    /// The percentiles of a histogram of microseconds, in ms. Ordered by construction:
    /// every percentile is clamped to the largest value recorded.
    public init(microseconds histogram: Histogram<UInt64>) {
        func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
        p50 = ms(50)
        p90 = ms(90)
        p99 = ms(99)
        p999 = ms(99.9)
        p9999 = ms(99.99)
        max = histogram.totalCount == 0 ? 0 : Double(histogram.maxRecorded) / 1000
    }
}

extension OperationSummary {
    /// The summary of `stats` over a run of `elapsedS` seconds.
    public init(stats: OperationStats, elapsedS: Double) {
        count = stats.count
        errors = stats.errors
        timeouts = stats.timeouts
        opsPerSecond = elapsedS > 0 ? Double(stats.count) / elapsedS : 0
        latencyMs = LatencyPercentiles(microseconds: stats.latency)
        serviceTimeMs = LatencyPercentiles(microseconds: stats.service)
        errorsByKind = stats.errorsByKind
        rows = stats.rows
        rowsPerSecond = elapsedS > 0 ? Double(stats.rows) / elapsedS : 0
        distribution = Self.distribution(of: stats.latency)
    }

    /// [percentile, ms] at a few ticks per halving of the remaining tail, as HdrHistogram's
    /// percentile output does: dense near the tail, where the interest is.
    static func distribution(of histogram: Histogram<UInt64>) -> [[Double]] {
        guard histogram.totalCount > 0 else { return [] }
        var points: [[Double]] = []
        for step in histogram.percentiles(ticksPerHalfDistance: 5) {
            points.append([step.percentileLevelIteratedTo, Double(step.value) / 1000])
            if step.percentileLevelIteratedTo >= 100 || points.count >= 400 { break }
        }
        return points
    }
}

extension BenchReport {
    /// The summary of every operation in `names` (those never recorded get zeros) and any
    /// other recorded, over `elapsedS` seconds.
    public static func summary(of total: [String: OperationStats], names: [String], elapsedS: Double)
        -> [String: OperationSummary] {
        var result: [String: OperationSummary] = [:]
        for name in Set(names).union(total.keys) {
            result[name] = OperationSummary(stats: total[name] ?? OperationStats(), elapsedS: elapsedS)
        }
        return result
    }
}
