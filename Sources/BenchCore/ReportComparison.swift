import Foundation

/// `kvcli bench compare A.json B.json`: each metric of two reports and its change from A to
/// B in percent. Pure: takes decoded reports, returns rows and text.
public struct ReportComparison: Sendable {
    /// One compared figure.
    public struct Metric: Sendable, Equatable {
        /// `read.latency_ms.p99`, `process.cpu_percent`...
        public var name: String
        public var a: Double
        public var b: Double
        /// True when a larger value is better (throughput).
        public var higherIsBetter: Bool

        /// (b - a) / a in percent; nil when a is 0 and b is not.
        public var changePercent: Double? {
            if a == 0 { return b == 0 ? 0 : nil }
            return (b - a) / a * 100
        }
    }

    /// The metrics, operation by operation (sorted by name), then the process's.
    public let metrics: [Metric]

    /// Compares every operation present in either report (missing ones count as zeros).
    public init(_ a: BenchReport, _ b: BenchReport) {
        var metrics: [Metric] = []
        for operation in Set(a.summary.keys).union(b.summary.keys).sorted() {
            metrics += Self.metrics(operation, a.summary[operation], b.summary[operation])
        }
        metrics.append(Metric(name: "process.cpu_percent", a: a.process.cpuPercent, b: b.process.cpuPercent,
                              higherIsBetter: false))
        metrics.append(Metric(name: "process.peak_rss_mb", a: a.process.peakRssMb, b: b.process.peakRssMb,
                              higherIsBetter: false))
        self.metrics = metrics
    }

    private static func metrics(_ operation: String, _ a: OperationSummary?, _ b: OperationSummary?) -> [Metric] {
        func metric(_ name: String, _ higher: Bool, _ value: (OperationSummary) -> Double) -> Metric {
            Metric(name: "\(operation).\(name)", a: a.map(value) ?? 0, b: b.map(value) ?? 0, higherIsBetter: higher)
        }
        var result = [
            metric("ops_per_second", true) { $0.opsPerSecond },
            metric("count", true) { Double($0.count) },
            metric("errors", false) { Double($0.errors) },
            metric("timeouts", false) { Double($0.timeouts) },
        ]
        let percentiles: [(String, KeyPath<LatencyPercentiles, Double>)] = [
            ("p50", \.p50), ("p90", \.p90), ("p99", \.p99), ("p999", \.p999), ("p9999", \.p9999), ("max", \.max),
        ]
        for (name, path) in percentiles {
            result.append(metric("latency_ms.\(name)", false) { $0.latencyMs[keyPath: path] })
        }
        if (a?.rows ?? 0) > 0 || (b?.rows ?? 0) > 0 {
            result.append(metric("rows_per_second", true) { $0.rowsPerSecond })
        }
        return result
    }

    /// A table: metric, A, B, change in percent, and whether B is better or worse.
    public func render() -> String {
        let width = max(30, (metrics.map(\.name.count).max() ?? 0) + 2)
        var lines = [pad("metric", width) + pad("A", 14, left: true) + pad("B", 14, left: true)
                     + pad("change", 10, left: true)]
        for metric in metrics {
            lines.append(pad(metric.name, width) + pad(Self.number(metric.a), 14, left: true)
                         + pad(Self.number(metric.b), 14, left: true) + pad(Self.change(metric), 10, left: true)
                         + Self.verdict(metric))
        }
        return lines.joined(separator: "\n")
    }

    private static func change(_ metric: Metric) -> String {
        guard let percent = metric.changePercent else { return "n/a" }
        return String(format: "%+.1f%%", percent)
    }

    /// Changes within 1% are noise on these machines and get no verdict.
    private static func verdict(_ metric: Metric) -> String {
        guard let percent = metric.changePercent, abs(percent) >= 1 else { return "" }
        return (percent > 0) == metric.higherIsBetter ? "  better" : "  worse"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3f", value)
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }
}
