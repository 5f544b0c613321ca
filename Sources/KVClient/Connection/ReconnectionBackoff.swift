/// When a node that failed may be tried again: exponential backoff from a base delay,
/// doubled per consecutive failure up to a maximum, reset by a success.
///
/// A pure value type: it reads no clock; the caller passes the current time in nanoseconds
/// of any monotonic clock.
struct ReconnectionBackoff: Sendable, Equatable {
    /// The first delay.
    let baseDelayNanoseconds: Int64
    /// The largest delay.
    let maxDelayNanoseconds: Int64
    /// Failures since the last success.
    private(set) var consecutiveFailures = 0
    /// No attempt before this time (nil: attempt now).
    private(set) var retryAtNanoseconds: Int64?

    /// A backoff with the given bounds, in milliseconds.
    init(baseDelayMs: Int64, maxDelayMs: Int64) {
        baseDelayNanoseconds = max(0, baseDelayMs) * 1_000_000
        maxDelayNanoseconds = max(baseDelayNanoseconds, max(0, maxDelayMs) * 1_000_000)
    }

    /// Whether an attempt may be made at `now`.
    func mayAttempt(now: Int64) -> Bool {
        guard let retryAtNanoseconds else { return true }
        return now >= retryAtNanoseconds
    }

    /// The delay after `failures` consecutive failures.
    func delay(afterFailures failures: Int) -> Int64 {
        guard failures > 0 else { return 0 }
        let shift = min(failures - 1, 40)
        let (scaled, overflow) = baseDelayNanoseconds.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? maxDelayNanoseconds : min(scaled, maxDelayNanoseconds)
    }

    /// An attempt failed at `now`.
    mutating func recordFailure(now: Int64) {
        consecutiveFailures += 1
        retryAtNanoseconds = now + delay(afterFailures: consecutiveFailures)
    }

    /// An attempt succeeded.
    mutating func recordSuccess() {
        consecutiveFailures = 0
        retryAtNanoseconds = nil
    }
}
