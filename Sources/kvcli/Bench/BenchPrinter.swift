import BenchCore
import Foundation

/// The bench's terminal output: a progress line a second, notes, and the final summary.
/// Progress goes to standard output (flushed per line so pipes see it live); notes and
/// first errors to standard error.
struct BenchPrinter: Sendable {
    /// False under `--quiet`: no progress lines.
    var showsProgress = true

    func note(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }

    /// `[  3.0s] read 52310 ops/s p50 0.812 p99 2.103 p999 4.210 ms err 0 tmo 0 | write ...`
    func progress(_ sample: IntervalSample) {
        guard showsProgress else { return }
        let parts = sample.operations.keys.sorted().map { name -> String in
            let o = sample.operations[name]!
            return name + String(format: " %.0f ops/s p50 %.3f p99 %.3f p999 %.3f ms err %d tmo %d",
                                 o.opsPerSecond, o.p50, o.p99, o.p999, o.errors, o.timeouts)
        }
        emit(String(format: "[%6.1fs] ", sample.timeS) + (parts.isEmpty ? "no operations" : parts.joined(separator: " | ")))
    }

    /// The summary table, errors by kind, and the bench process's own usage.
    func summary(_ report: BenchReport) {
        let showsService = report.config.rate != nil
        emit("")
        let headings = [("count", 10), ("ops/s", 11), ("errors", 7), ("timeouts", 8), ("p50 ms", 9), ("p90", 9),
                        ("p99", 9), ("p99.9", 9), ("p99.99", 9), ("max", 9)]
        emit(padded("operation", 15) + headings.map { " " + padded($0.0, $0.1, right: true) }.joined())
        for name in report.summary.keys.sorted() {
            let s = report.summary[name]!
            emit(row(name, s, s.latencyMs))
            if showsService { emit(row("  service time", s, s.serviceTimeMs)) }
            for (kind, count) in s.errorsByKind.sorted(by: { $0.key < $1.key }) { emit("  errors \(kind): \(count)") }
            if s.rows > 0 { emit(String(format: "  rows: %d (%.0f rows/s)", s.rows, s.rowsPerSecond)) }
        }
        let p = report.process
        emit(String(format: "elapsed %.2f s; bench process CPU %.0f%% (user %.2f s, system %.2f s), peak RSS %.1f MB",
                    report.elapsedS, p.cpuPercent, p.cpuUserS, p.cpuSystemS, p.peakRssMb))
    }

    private func row(_ name: String, _ s: OperationSummary, _ l: LatencyPercentiles) -> String {
        padded(name, 15) + String(format: " %10d %11.0f %7d %8d %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f", s.count,
                                  s.opsPerSecond, s.errors, s.timeouts, l.p50, l.p90, l.p99, l.p999, l.p9999, l.max)
    }

    private func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }

    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
