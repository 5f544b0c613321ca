#if canImport(Glibc)
import Glibc
#endif
import KVClient
import KVCore
import struct KVClient.Row

/// One run of `kvcli segment`: sends the query, writes each page's rows as it arrives (so
/// memory holds one page), adds up the page's scan statistics, and keeps a progress line
/// on standard error when that is a terminal.
struct SegmentRun {
    /// How often the progress line is redrawn.
    static let redrawIntervalMs = 250

    let client: KVClient
    let command: SegmentCommand

    /// What the pages added up to.
    private struct Totals {
        var statistics = ScanStatistics()
        var rowsWritten: Int64 = 0
        var countValue: Int64 = 0
    }

    /// Runs the query to its last page and returns the report.
    func run() async throws -> SegmentReport {
        let statement = try SegmentStatement(qualifiedTable: command.table)
        let selection = command.count ? "COUNT(*)" : try await columnSelection(statement)
        let text = statement.text(selection: selection, filter: command.filter)
        let sink = try SegmentSink(path: command.out)
        let progress = SegmentProgress()
        let start = ContinuousClock.now
        let showsProgress = isatty(STDERR_FILENO) != 0
        // Runs after the redrawing task has ended, so the report or an error starts on a clean line.
        defer { if showsProgress { SegmentProgress.clearLine() } }
        let totals = try await withThrowingTaskGroup(of: Void.self) { group in
            if showsProgress { group.addTask { await Self.redraw(progress, since: start) } }
            defer { group.cancelAll() }
            return try await fetch(text, into: sink, progress: progress)
        }
        try sink.close()
        let elapsed = ContinuousClock.now - start
        return SegmentReport(matches: command.count ? totals.countValue : totals.rowsWritten, isCount: command.count,
                             destination: sink.name, elapsedSeconds: Self.seconds(elapsed),
                             statistics: totals.statistics)
    }

    private func columnSelection(_ statement: SegmentStatement) async throws -> String {
        if let columns = command.columns { return columns }
        return try await statement.partitionKeySelection(client: client)
    }

    /// Fetches every page, writing its rows before asking for the next.
    private func fetch(_ text: String, into sink: SegmentSink, progress: SegmentProgress) async throws -> Totals {
        var totals = Totals()
        var wroteHeader = false
        let options = StatementOptions(pageSize: command.pageSize)
        for try await page in client.pages(text, options: options) {
            try totals.statistics.add(pagePayload: page.customPayload)
            if !wroteHeader, let header = command.format.header(page.columns) { try sink.write(header) }
            wroteHeader = true
            var chunk = ""
            for row in page.rows { chunk += command.format.record(row) }
            try sink.write(chunk)
            totals.rowsWritten += Int64(page.rows.count)
            if command.count { totals.countValue += Self.countValue(page.rows) }
            progress.update(rowsWritten: totals.rowsWritten, statistics: totals.statistics)
        }
        return totals
    }

    /// The COUNT(*) in `rows` (one row, in the last page; summed so any page layout works).
    private static func countValue(_ rows: [Row]) -> Int64 {
        rows.reduce(0) { sum, row in
            if case .bigint(let value)? = row.values.first { return sum + value }
            return sum
        }
    }

    /// Redraws the progress line until cancelled.
    private static func redraw(_ progress: SegmentProgress, since start: ContinuousClock.Instant) async {
        while !Task.isCancelled {
            SegmentProgress.draw(progress.line(elapsedSeconds: seconds(ContinuousClock.now - start)))
            try? await Task.sleep(for: .milliseconds(redrawIntervalMs))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
