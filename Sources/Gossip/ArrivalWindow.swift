#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The recent intervals between heartbeat arrivals from one endpoint, and the phi they imply.
///
/// A bounded ring buffer with running sums of the intervals and of their squares, so
/// recording, the mean, the variance and `phi` are O(1). The model is that of Hayashibara
/// et al. as Akka implements it (`akka.remote.PhiAccrualFailureDetector`): the next
/// heartbeat is taken to arrive after a normally distributed time
///
///     X ~ Normal(mean + acceptableHeartbeatPause, max(stddev, minStandardDeviation))
///
/// (mean and stddev of the window's intervals), and after `t` ms of silence
///
///     phi(t) = -log10(P(X > t))
///
/// with Akka's logistic approximation of the normal CDF: `y = (t - mu) / sigma`,
/// `e = exp(-y (1.5976 + 0.070566 y^2))`, `P(X > t) ≈ e / (1 + e)`. See `phi(silenceMs:meanMs:standardDeviationMs:)`.
public struct ArrivalWindow: Sendable {
    /// The recorded intervals, oldest overwritten first once `capacity` is reached.
    private var intervalsMs: [Int64] = []
    /// Where the next interval goes once the buffer is full.
    private var nextIndex = 0
    /// The sum of `intervalsMs` (exact: each interval is at most `maxIntervalMs`).
    private var sumMs: Int64 = 0
    /// The sum of the squares of `intervalsMs`. A Double so that no configuration can
    /// overflow it; exact while it stays below 2^53 (always, with the default 2 s maximum),
    /// and recomputed from the buffer each time the ring wraps so rounding cannot build up.
    private var sumOfSquaresMs2: Double = 0
    /// The interval assumed while none has been recorded (see `init`).
    public let initialIntervalMs: Int64
    /// The most intervals kept; at least 1.
    public let capacity: Int
    /// Longer intervals are not recorded (see `GossipConfiguration.maxArrivalIntervalMs`).
    public let maxIntervalMs: Int64
    /// The floor of the standard deviation phi is computed with (> 0).
    public let minStandardDeviationMs: Double
    /// Added to the mean interval phi is computed with (>= 0).
    public let acceptableHeartbeatPauseMs: Double
    /// When the last heartbeat arrived.
    public private(set) var lastArrivalMillis: Int64

    /// A window whose first heartbeat arrived at `arrivalMillis`. Until a first interval is
    /// recorded, the mean is taken to be `initialIntervalMs` (> 0) with no spread, so phi is
    /// defined from the start; the assumed interval is never recorded, so it stops counting
    /// as soon as a real one is measured.
    public init(firstArrivalMillis arrivalMillis: Int64, initialIntervalMs: Int64, capacity: Int, maxIntervalMs: Int64,
                minStandardDeviationMs: Int64, acceptableHeartbeatPauseMs: Int64) {
        precondition(initialIntervalMs > 0 && capacity > 0, "the window needs a positive seed and capacity")
        precondition(minStandardDeviationMs > 0 && acceptableHeartbeatPauseMs >= 0,
                     "the window needs a positive minimum deviation and a non-negative acceptable pause")
        self.initialIntervalMs = initialIntervalMs
        self.capacity = capacity
        self.maxIntervalMs = maxIntervalMs
        self.minStandardDeviationMs = Double(minStandardDeviationMs)
        self.acceptableHeartbeatPauseMs = Double(acceptableHeartbeatPauseMs)
        lastArrivalMillis = arrivalMillis
    }

    /// The number of intervals recorded (0...capacity); the assumed interval is not one.
    public var count: Int { intervalsMs.count }

    /// The mean interval in milliseconds: of the recorded intervals, or the assumed one
    /// while there are none. Always positive.
    public var meanIntervalMs: Double {
        guard !intervalsMs.isEmpty else { return Double(initialIntervalMs) }
        // Recorded intervals may be 0 (two arrivals in the same millisecond): floor at 1 ms.
        return max(Double(sumMs) / Double(intervalsMs.count), 1)
    }

    /// The (population) variance of the recorded intervals in ms²; 0 while there are none.
    public var intervalVarianceMs2: Double {
        guard !intervalsMs.isEmpty else { return 0 }
        let count = Double(intervalsMs.count)
        let mean = Double(sumMs) / count
        return max(sumOfSquaresMs2 / count - mean * mean, 0)
    }

    /// The standard deviation of the recorded intervals in ms; 0 while there are none.
    public var intervalStandardDeviationMs: Double { intervalVarianceMs2.squareRoot() }

    /// Records a heartbeat arriving at `arrivalMillis`. An arrival earlier than the last one
    /// (the wall clock stepped back) restarts the silence without recording an interval;
    /// an interval above `maxIntervalMs` is skipped for the reason given there.
    public mutating func record(arrivalMillis: Int64) {
        // Subtraction that cannot trap, however far the clock jumps.
        let (intervalMs, overflow) = arrivalMillis.subtractingReportingOverflow(lastArrivalMillis)
        if !overflow && intervalMs >= 0 && intervalMs <= maxIntervalMs { append(intervalMs) }
        lastArrivalMillis = arrivalMillis
    }

    /// Phi after silence until `nowMillis`: silence counts as 0 when `nowMillis` is not after
    /// the last arrival. Phi grows strictly with the silence until it reaches `maximumPhi`.
    public func phi(nowMillis: Int64) -> Double {
        let (silence, overflow) = nowMillis.subtractingReportingOverflow(lastArrivalMillis)
        let silenceMs = overflow ? (nowMillis > lastArrivalMillis ? Double(Int64.max) : 0) : Double(max(silence, 0))
        return Self.phi(silenceMs: silenceMs,
                        meanMs: meanIntervalMs + acceptableHeartbeatPauseMs,
                        standardDeviationMs: max(intervalStandardDeviationMs, minStandardDeviationMs))
    }

    /// The cap on phi. Beyond phi ~300 the survival probability is below the smallest Double
    /// anyway; the cap keeps phi finite (comparable, printable) for any silence.
    public static let maximumPhi = 1_000_000.0

    /// `-log10(P(X > silenceMs))` for `X ~ Normal(meanMs, standardDeviationMs)` (> 0), by
    /// Akka's logistic approximation: with `y = (t - mean) / sigma` and
    /// `z = y (1.5976 + 0.070566 y^2)`, `e = exp(-z)` and
    ///
    ///     phi = t > mean ? -log10(e / (1 + e)) : -log10(1 - 1 / (1 + e))
    ///
    /// Both branches equal `log10(1 + exp(z))`, which is evaluated here in a form that
    /// neither overflows nor underflows (`z / ln 10 + log10(1 + exp(-z))` for z > 0), so
    /// phi is continuous and strictly increasing in the silence (z is strictly increasing
    /// in y), and capped at `maximumPhi` instead of reaching +infinity.
    public static func phi(silenceMs: Double, meanMs: Double, standardDeviationMs: Double) -> Double {
        let y = (silenceMs - meanMs) / standardDeviationMs
        let z = y * (1.5976 + 0.070566 * y * y)
        let phi = z > 0 ? z / naturalLogOf10 + log1p(exp(-z)) / naturalLogOf10 : log1p(exp(z)) / naturalLogOf10
        return phi.isNaN ? maximumPhi : min(phi, maximumPhi)
    }

    /// ln 10: dividing a natural logarithm by it gives the base-10 one.
    static let naturalLogOf10 = 2.302_585_092_994_046

    private mutating func append(_ intervalMs: Int64) {
        let square = Double(intervalMs) * Double(intervalMs)
        if intervalsMs.count < capacity {
            intervalsMs.append(intervalMs)
            sumMs += intervalMs
            sumOfSquaresMs2 += square
            return
        }
        let old = intervalsMs[nextIndex]
        intervalsMs[nextIndex] = intervalMs
        sumMs += intervalMs - old
        nextIndex = (nextIndex + 1) % capacity
        if nextIndex == 0 {
            // Once per `capacity` appends (O(1) amortised): exact again, no drift.
            sumOfSquaresMs2 = intervalsMs.reduce(0) { $0 + Double($1) * Double($1) }
        } else {
            sumOfSquaresMs2 += square - Double(old) * Double(old)
        }
    }
}
