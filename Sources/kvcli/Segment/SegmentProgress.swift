import Foundation
import Synchronization

/// What a running segment has done so far, shared by the task fetching pages (which
/// updates it after each page) and the one redrawing the progress line.
final class SegmentProgress: Sendable {
    private struct State {
        var pages = 0
        var rowsWritten: Int64 = 0
        var rangesDone: Int?
        var rangesTotal: Int?
        var rowsScanned: Int64?
        var rowsMatched: Int64?
    }

    private let state = Mutex(State())

    /// Records a page: the rows written so far and the scan statistics summed so far.
    func update(rowsWritten: Int64, statistics: ScanStatistics) {
        let total = statistics.isReported ? statistics.total : nil
        state.withLock { state in
            state.pages += 1
            state.rowsWritten = rowsWritten
            state.rangesDone = statistics.rangesDone
            state.rangesTotal = statistics.rangesTotal
            state.rowsScanned = total?.rowsScanned
            state.rowsMatched = total?.rowsMatched
        }
    }

    /// The progress line after `elapsedSeconds`: a bar and ranges done/total, rows scanned,
    /// matches, scan rate and ETA when the server reports statistics, else rows written.
    func line(elapsedSeconds: Double) -> String {
        let state = state.withLock { $0 }
        let elapsed = "elapsed " + SegmentNumbers.duration(elapsedSeconds)
        guard let scanned = state.rowsScanned else {
            guard state.pages > 0 else { return "waiting for the first page  \(elapsed)" }
            return "\(SegmentNumbers.grouped(state.rowsWritten)) rows written  \(elapsed)"
        }
        var parts: [String] = []
        if let done = state.rangesDone, let total = state.rangesTotal, total > 0 {
            parts.append(Self.bar(fraction: Double(done) / Double(total)) + " \(done)/\(total) ranges")
        }
        parts.append("scanned \(SegmentNumbers.grouped(scanned))")
        parts.append("matched \(SegmentNumbers.grouped(state.rowsMatched ?? 0))")
        if elapsedSeconds > 0 { parts.append("\(SegmentNumbers.grouped(Int64(Double(scanned) / elapsedSeconds))) rows/s") }
        parts.append(elapsed)
        if let eta = Self.etaSeconds(done: state.rangesDone, total: state.rangesTotal, elapsedSeconds: elapsedSeconds) {
            parts.append("ETA " + SegmentNumbers.duration(eta))
        }
        return parts.joined(separator: "  ")
    }

    /// Time left if the remaining ranges go as fast as the finished ones did.
    private static func etaSeconds(done: Int?, total: Int?, elapsedSeconds: Double) -> Double? {
        guard let done, let total, done > 0, total >= done else { return nil }
        return elapsedSeconds * Double(total - done) / Double(done)
    }

    private static func bar(fraction: Double, width: Int = 20) -> String {
        let filled = min(width, max(0, Int((fraction * Double(width)).rounded(.down))))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }
}

extension SegmentProgress {
    /// Overwrites the terminal line on standard error with `line`.
    static func draw(_ line: String) {
        writeStandardError("\r" + line + "\u{1B}[K")
    }

    /// Erases the progress line, so the report starts on a clean line.
    static func clearLine() {
        writeStandardError("\r\u{1B}[K")
    }

    private static func writeStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
