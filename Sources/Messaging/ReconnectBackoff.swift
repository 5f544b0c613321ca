/// How long to wait before reconnecting to a peer after consecutive failed connects: the
/// minimum after the first failure, doubling per further failure, capped at the maximum.
/// No jitter: a cluster's nodes fail at different moments already, and a deterministic
/// schedule keeps simulations reproducible. A value type; not thread-safe.
struct ReconnectBackoff {
    /// The wait after the first failure.
    let min: Duration
    /// The longest wait.
    let max: Duration
    /// Failed connects since the last success.
    private(set) var consecutiveFailures = 0

    /// A schedule from `min` to `max` (requires `0 < min <= max`).
    init(min: Duration, max: Duration) {
        precondition(min > .zero && min <= max, "backoff needs 0 < min <= max")
        self.min = min
        self.max = max
    }

    /// Records a failed connect and returns the wait before the next attempt.
    mutating func recordFailure() -> Duration {
        consecutiveFailures += 1
        // Past 2^20 times the minimum every sane cap has been reached; stop doubling there
        // so that the multiplication cannot overflow.
        let doublings = Swift.min(consecutiveFailures - 1, 20)
        return Swift.min(min * (1 << doublings), max)
    }

    /// Records a successful connect: the next failure waits the minimum again.
    mutating func reset() {
        consecutiveFailures = 0
    }
}
