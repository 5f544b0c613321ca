/// The summary `kvcli segment` prints to standard error when it is done: the matches (or
/// the count), the time taken, and the scan statistics per node and in total.
struct SegmentReport {
    /// Rows written, or the value of COUNT(*) with `--count`.
    var matches: Int64
    var isCount: Bool
    var destination: String
    var elapsedSeconds: Double
    var statistics: ScanStatistics

    /// The report's lines.
    func lines() -> [String] {
        let time = SegmentNumbers.seconds(elapsedSeconds)
        let headline = isCount
            ? "count: \(SegmentNumbers.grouped(matches)) matching rows (\(time))"
            : "matches: \(SegmentNumbers.grouped(matches)) rows written to \(destination) (\(time))"
        guard statistics.isReported else { return [headline, "the server reported no scan statistics"] }
        let total = statistics.total
        var lines = [headline, Self.row(["node", "rows scanned", "rows matched", "blocks skipped", "bytes read"])]
        for address in statistics.nodes.keys.sorted() {
            lines.append(Self.row(address, statistics.nodes[address]!))
        }
        lines.append(Self.row("total", total))
        let rate = elapsedSeconds > 0 ? Int64(Double(total.rowsScanned) / elapsedSeconds) : 0
        lines.append("rows scanned per second: \(SegmentNumbers.grouped(rate))")
        return lines
    }

    private static func row(_ name: String, _ work: NodeScanWork) -> String {
        row([name, SegmentNumbers.grouped(work.rowsScanned), SegmentNumbers.grouped(work.rowsMatched),
             SegmentNumbers.grouped(work.blocksSkipped), StatusPrinter.formatLoad(work.bytesRead)])
    }

    /// The node name left-aligned, the numbers right-aligned in fixed columns.
    private static func row(_ cells: [String]) -> String {
        let widths = [16, 15, 15, 15, 12]
        return zip(cells, widths).enumerated().map { index, cell in
            let padding = String(repeating: " ", count: max(0, cell.1 - cell.0.count))
            return index == 0 ? cell.0 + padding : padding + cell.0
        }.joined(separator: " ")
    }
}
