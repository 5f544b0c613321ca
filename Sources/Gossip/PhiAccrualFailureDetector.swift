/// The phi-accrual failure detector of Hayashibara et al., as Akka implements it: one
/// `ArrivalWindow` per endpoint, fed each time gossip shows the endpoint's heartbeat moved,
/// and asked for the endpoint's phi once a gossip round.
///
/// A pure value: it reads no clock. Phi is `-log10` of the probability that a heartbeat is
/// still to come after the current silence, the wait being taken as normally distributed
/// with the window's mean plus `acceptableHeartbeatPauseMs` and the window's standard
/// deviation, floored at `minStandardDeviationMs` (see `ArrivalWindow`). Heartbeats reach us
/// relayed through gossip, in bursts (one message may advance several versions) and with
/// gaps that depend on who gossiped with whom; the acceptable pause and the deviation floor
/// are what keep that jitter from convicting, whatever small spread the window learned.
/// With the defaults and 1 s heartbeats, phi 8 is reached after about 11.6 s of silence
/// (see `GossipConfiguration.acceptableHeartbeatPauseMs`); Cassandra's exponential model
/// needed 18.4 s. Cassandra's refinements are kept: an assumed first interval (counted only
/// until a real one is measured), the cap on recorded intervals, and (in `Gossiper`) no
/// convictions right after a local pause.
public struct PhiAccrualFailureDetector: Sendable {
    private var windows: [GossipEndpoint: ArrivalWindow] = [:]
    /// Phi above which an endpoint is convicted.
    public let threshold: Double
    private let capacity: Int
    private let initialIntervalMs: Int64
    private let maxIntervalMs: Int64
    private let minStandardDeviationMs: Int64
    private let acceptableHeartbeatPauseMs: Int64

    /// A detector using the failure-detection knobs of `configuration`.
    public init(configuration: GossipConfiguration) {
        threshold = configuration.phiConvictThreshold
        capacity = configuration.arrivalWindowCapacity
        initialIntervalMs = configuration.initialArrivalIntervalMs
        maxIntervalMs = configuration.maxArrivalIntervalMs
        minStandardDeviationMs = configuration.minStandardDeviationMs
        acceptableHeartbeatPauseMs = configuration.acceptableHeartbeatPauseMs
    }

    /// Records that `endpoint`'s heartbeat advanced at `nowMillis`.
    public mutating func report(_ endpoint: GossipEndpoint, nowMillis: Int64) {
        if windows[endpoint] == nil {
            windows[endpoint] = ArrivalWindow(firstArrivalMillis: nowMillis, initialIntervalMs: initialIntervalMs,
                                              capacity: capacity, maxIntervalMs: maxIntervalMs,
                                              minStandardDeviationMs: minStandardDeviationMs,
                                              acceptableHeartbeatPauseMs: acceptableHeartbeatPauseMs)
        } else {
            windows[endpoint]!.record(arrivalMillis: nowMillis)
        }
    }

    /// `endpoint`'s phi at `nowMillis`: finite, and non-decreasing as the silence grows; nil
    /// if it was never reported.
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
