import Foundation

/// `--html FILE`: one self-contained page (inline SVG, no script, no network) with the
/// run's settings, its summary table, and plots of throughput and latency percentiles over
/// time and of the latency distribution.
public enum HTMLReport {
    /// The page for `report`.
    public static func render(_ report: BenchReport) -> String {
        let operations = report.summary.keys.sorted()
        var body = "<h1>kvcli bench: \(SVGLineChart.escape(report.config.workload))</h1>\n"
        body += "<p>\(SVGLineChart.escape(settingsLine(report.config)))</p>\n"
        body += summaryTable(report, operations: operations)
        body += throughputChart(report, operations: operations).render()
        body += latencyChart(report, operations: operations).render()
        body += distributionChart(report, operations: operations).render()
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>kvcli bench report</title>
            <style>body{font-family:sans-serif;margin:24px} table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right} .chart{display:block;margin:18px 0}</style>
            </head><body>
            \(body)</body></html>

            """
    }

    private static func settingsLine(_ config: BenchSettings) -> String {
        let bound = config.ops.map { "\($0) ops" } ?? config.durationS.map { "\($0) s" } ?? ""
        let mode = config.rate.map { "fixed rate \($0)/s" } ?? "closed loop"
        return "\(config.hosts.joined(separator: ",")) · \(config.connections) connections × \(config.inFlight) "
            + "in flight · \(mode) · \(bound) · consistency \(config.consistency) · warmup \(config.warmupS) s"
    }

    private static func summaryTable(_ report: BenchReport, operations: [String]) -> String {
        var html = "<table id=\"summary\"><tr><th>operation</th><th>count</th><th>ops/s</th><th>errors</th>"
            + "<th>timeouts</th><th>p50 ms</th><th>p90</th><th>p99</th><th>p99.9</th><th>p99.99</th><th>max</th></tr>\n"
        for name in operations {
            guard let s = report.summary[name] else { continue }
            let l = s.latencyMs
            let cells = [String(s.count), String(format: "%.0f", s.opsPerSecond), String(s.errors), String(s.timeouts)]
                + [l.p50, l.p90, l.p99, l.p999, l.p9999, l.max].map { String(format: "%.3f", $0) }
            html += "<tr><td>\(SVGLineChart.escape(name))</td>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        let p = report.process
        return html + "</table>\n<p>bench process: \(String(format: "%.0f", p.cpuPercent))% CPU, "
            + "peak RSS \(String(format: "%.1f", p.peakRssMb)) MB, \(String(format: "%.1f", report.elapsedS)) s</p>\n"
    }

    /// The samples worth plotting: the run's last sample is often the few requests that
    /// finished after the last whole second, milliseconds long, whose rate and percentiles
    /// are noise. It stays in the JSON series (counts add up there), not on the plots.
    static func plottedSeries(_ report: BenchReport) -> [IntervalSample] {
        guard report.series.count >= 2 else { return report.series }
        let last = report.series[report.series.count - 1], before = report.series[report.series.count - 2]
        return last.timeS - before.timeS < 0.5 ? Array(report.series.dropLast()) : report.series
    }

    static func throughputChart(_ report: BenchReport, operations: [String]) -> SVGLineChart {
        let series = plottedSeries(report)
        let lines = operations.map { name in
            SVGLineChart.Line(name: name, points: series.map { ($0.timeS, $0.operations[name]?.opsPerSecond ?? 0) })
        }
        return SVGLineChart(title: "Throughput", xLabel: "seconds", yLabel: "ops/s", lines: lines)
    }

    static func latencyChart(_ report: BenchReport, operations: [String]) -> SVGLineChart {
        var lines: [SVGLineChart.Line] = []
        let percentiles: [(String, KeyPath<IntervalOperation, Double>)] = [("p50", \.p50), ("p99", \.p99), ("p99.9", \.p999)]
        for name in operations {
            for (label, path) in percentiles {
                let points = plottedSeries(report).compactMap { sample in
                    sample.operations[name].map { (x: sample.timeS, y: $0[keyPath: path]) }
                }
                lines.append(SVGLineChart.Line(name: "\(name) \(label)", points: points))
            }
        }
        return SVGLineChart(title: "Latency percentiles over time", xLabel: "seconds", yLabel: "ms", lines: lines)
    }

    /// Latency against percentile on a "number of nines" axis (x = log10(1 / (1 - p))), the
    /// usual HdrHistogram plot: 90% at 1, 99% at 2, 99.9% at 3.
    static func distributionChart(_ report: BenchReport, operations: [String]) -> SVGLineChart {
        let lines = operations.map { name in
            SVGLineChart.Line(name: name, points: (report.summary[name]?.distribution ?? []).map { pair in
                (x: nines(pair[0]), y: pair[1])
            })
        }
        var chart = SVGLineChart(title: "Latency distribution", xLabel: "percentile", yLabel: "ms", lines: lines)
        chart.xTicks = (0...6).map(Double.init)
        chart.xTickLabel = { x in x == 0 ? "0%" : String(format: "%.\(max(0, Int(x) - 2))f%%", 100 - 100 / pow(10, x)) }
        return chart
    }

    static func nines(_ percentile: Double) -> Double {
        min(log10(1 / max(1 - percentile / 100, 1e-6)), 6)
    }
}
