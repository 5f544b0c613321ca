/// The phi-accrual failure detector (Hayashibara et al.) as Cassandra runs it: one
/// `ArrivalWindow` per endpoint, fed each time gossip shows the endpoint's heartbeat moved,
/// and asked for the endpoint's phi once a gossip round.
///
/// A pure value: it reads no clock. Why Cassandra's exponential model rather than the
/// paper's normal distribution: heartbeats reach us relayed through gossip, in bursts (one
/// message may advance several versions) and with gaps that depend on who gossiped with
/// whom, so their spread is wide and irregular; the normal model's small learned variance
/// convicts on ordinary gossip jitter, while the exponential model needs only the mean and
/// degrades gracefully (CASSANDRA-2597 made the same switch). Cassandra's refinements are
/// kept: the seeded first interval, the cap on recorded intervals, and (in `Gossiper`) no
/// convictions right after a local pause.
public struct PhiAccrualFailureDetector: Sendable {
    private var windows: [GossipEndpoint: ArrivalWindow] = [:]
    /// Phi above which an endpoint is convicted.
    public let threshold: Double
    private let capacity: Int
    private let initialIntervalMs: Int64
    private let maxIntervalMs: Int64

    /// A detector using the failure-detection knobs of `configuration`.
    public init(configuration: GossipConfiguration) {
        threshold = configuration.phiConvictThreshold
        capacity = configuration.arrivalWindowCapacity
        initialIntervalMs = configuration.initialArrivalIntervalMs
        maxIntervalMs = configuration.maxArrivalIntervalMs
    }

    /// Records that `endpoint`'s heartbeat advanced at `nowMillis`.
    public mutating func report(_ endpoint: GossipEndpoint, nowMillis: Int64) {
        if windows[endpoint] == nil {
            windows[endpoint] = ArrivalWindow(firstArrivalMillis: nowMillis, initialIntervalMs: initialIntervalMs,
                                              capacity: capacity, maxIntervalMs: maxIntervalMs)
        } else {
            windows[endpoint]!.record(arrivalMillis: nowMillis)
        }
    }

    /// `endpoint`'s phi at `nowMillis`; nil if it was never reported.
    public func phi(_ endpoint: GossipEndpoint, nowMillis: Int64) -> Double? {
        windows[endpoint]?.phi(nowMillis: nowMillis)
    }

    /// True when `endpoint` was reported and its phi at `nowMillis` exceeds the threshold.
    public func isConvicted(_ endpoint: GossipEndpoint, nowMillis: Int64) -> Bool {
        (phi(endpoint, nowMillis: nowMillis) ?? 0) > threshold
    }

    /// The arrival window of `endpoint`, for inspection.
    public func window(for endpoint: GossipEndpoint) -> ArrivalWindow? { windows[endpoint] }

    /// Forgets `endpoint`'s intervals (it was removed, or restarted after being down and
    /// must be learned afresh).
    public mutating func remove(_ endpoint: GossipEndpoint) {
        windows[endpoint] = nil
    }
}
