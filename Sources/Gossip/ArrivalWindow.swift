/// The recent intervals between heartbeat arrivals from one endpoint, and the phi they imply.
///
/// A bounded ring buffer with a running sum, so recording and `phi` are O(1). The model is
/// Cassandra's (CASSANDRA-2597): inter-arrival times are taken as exponentially distributed
/// with the window's mean, so the probability that a heartbeat is still to come after `t` ms
/// of silence is `exp(-t / mean)` and
///
///     phi = -log10(exp(-t / mean)) = t / (mean * ln 10)
///
/// Phi 8 is then reached after `8 * ln 10 = 18.4` mean intervals of silence.
public struct ArrivalWindow: Sendable {
    /// The recorded intervals, oldest overwritten first once `capacity` is reached.
    private var intervalsMs: [Int64] = []
    /// Where the next interval goes once the buffer is full.
    private var nextIndex = 0
    /// The sum of `intervalsMs`.
    private var sumMs: Int64 = 0
    /// The most intervals kept; at least 1.
    public let capacity: Int
    /// Longer intervals are not recorded (see `GossipConfiguration.maxArrivalIntervalMs`).
    public let maxIntervalMs: Int64
    /// When the last heartbeat arrived.
    public private(set) var lastArrivalMillis: Int64

    /// A window whose first heartbeat arrived at `arrivalMillis`, seeded with one assumed
    /// interval of `initialIntervalMs` (> 0) so that phi is defined from the start.
    public init(firstArrivalMillis arrivalMillis: Int64, initialIntervalMs: Int64, capacity: Int, maxIntervalMs: Int64) {
        precondition(initialIntervalMs > 0 && capacity > 0, "the window needs a positive seed and capacity")
        self.capacity = capacity
        self.maxIntervalMs = maxIntervalMs
        lastArrivalMillis = arrivalMillis
        append(initialIntervalMs)
    }

    /// The number of intervals held (1...capacity).
    public var count: Int { intervalsMs.count }

    /// The mean interval in milliseconds; always positive.
    public var meanIntervalMs: Double {
        // Recorded intervals may be 0 (two arrivals in the same millisecond); the seed keeps
        // the sum positive until it is overwritten, and a floor of 1 ms after that.
        max(Double(sumMs) / Double(intervalsMs.count), 1)
    }

    /// Records a heartbeat arriving at `arrivalMillis`. An arrival earlier than the last one
    /// (the wall clock stepped back) restarts the silence without recording an interval;
    /// an interval above `maxIntervalMs` is skipped for the reason given there.
    public mutating func record(arrivalMillis: Int64) {
        let intervalMs = arrivalMillis - lastArrivalMillis
        if intervalMs >= 0 && intervalMs <= maxIntervalMs { append(intervalMs) }
        lastArrivalMillis = arrivalMillis
    }

    /// Phi after silence until `nowMillis`; 0 when `nowMillis` is not after the last arrival.
    public func phi(nowMillis: Int64) -> Double {
        let silenceMs = Double(max(nowMillis - lastArrivalMillis, 0))
        return silenceMs / (meanIntervalMs * Self.naturalLogOf10)
    }

    /// ln 10: dividing by it turns the natural-log survival exponent into a base-10 phi.
    static let naturalLogOf10 = 2.302_585_092_994_046

    private mutating func append(_ intervalMs: Int64) {
        if intervalsMs.count < capacity {
            intervalsMs.append(intervalMs)
        } else {
            sumMs -= intervalsMs[nextIndex]
            intervalsMs[nextIndex] = intervalMs
            nextIndex = (nextIndex + 1) % capacity
        }
        sumMs += intervalMs
    }
}
