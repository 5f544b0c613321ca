import Histogram

/// What one operation kind (`read`, `write`, `scan`...) did over some interval: latency and
/// service-time histograms of its successes, its timeouts, and its other errors by kind.
///
/// Times are recorded in microseconds, 3 significant digits, from 1 µs up to
/// `highestTrackableMicroseconds` (longer ones are clamped to it, and still counted).
public struct OperationStats: Sendable {
    /// Latencies of successful operations, µs (from the intended start in fixed-rate mode).
    public var latency: Histogram<UInt64>
    /// Service times of successful operations, µs (from the send).
    public var service: Histogram<UInt64>
    /// Successful operations.
    public var count = 0
    /// Operations that timed out (client timeout or the server's read/write timeout).
    public var timeouts = 0
    /// Other failures, by kind (`invalid`, `unavailable`, `connection-closed`...).
    public var errorsByKind: [String: Int] = [:]
    /// Rows returned (scans and segments).
    public var rows = 0

    /// One minute: a request slower than that is a timeout in any sane configuration.
    public static let highestTrackableMicroseconds: UInt64 = 60_000_000

    /// Empty statistics.
    public init() {
        latency = Self.emptyHistogram()
        service = Self.emptyHistogram()
    }

    /// All failures that are not timeouts.
    public var errors: Int { errorsByKind.values.reduce(0, +) }

    /// Every operation attempted: successes, errors and timeouts.
    public var attempts: Int { count + errors + timeouts }

    /// Records a success.
    public mutating func recordSuccess(_ timing: OperationTiming, rows: Int) {
        count += 1
        self.rows += rows
        _ = latency.record(Self.microseconds(timing.latencyNs))
        _ = service.record(Self.microseconds(timing.serviceNs))
    }

    /// Adds `other`'s operations to these.
    public mutating func add(_ other: OperationStats) {
        latency.add(other.latency)
        service.add(other.service)
        count += other.count
        timeouts += other.timeouts
        rows += other.rows
        errorsByKind.merge(other.errorsByKind, uniquingKeysWith: +)
    }

    private static func microseconds(_ nanoseconds: UInt64) -> UInt64 {
        min(max(nanoseconds / 1000, 1), highestTrackableMicroseconds)
    }

    private static func emptyHistogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: highestTrackableMicroseconds,
                  numberOfSignificantValueDigits: .three)
    }
}
