import Foundation

/// How `kvcli segment` prints numbers to people: digits grouped by thousands, durations in
/// seconds or minutes (sizes: `StatusPrinter.formatLoad`).
enum SegmentNumbers {
    /// `1,234,567`.
    static func grouped(_ number: Int64) -> String {
        let digits = String(number.magnitude)
        var output = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { output += "," }
            output.append(digit)
        }
        return (number < 0 ? "-" : "") + output
    }

    /// `4.213 s` under a minute, else `3:07` (minutes:seconds).
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return Self.seconds(seconds) }
        let whole = Int(seconds.rounded())
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }

    /// `4.213 s`, however long.
    static func seconds(_ seconds: Double) -> String {
        String(format: "%.3f s", seconds)
    }
}
