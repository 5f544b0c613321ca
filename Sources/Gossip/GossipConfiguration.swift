/// Every knob of the gossip module, with Cassandra's defaults where Cassandra has one.
/// Times are milliseconds of wall-clock time, the unit `Gossiper` receives `nowMillis` in.
public struct GossipConfiguration: Sendable, Equatable {
    /// Syns from a node with another cluster name are ignored, so two clusters sharing a
    /// network never merge. Default `"Test Cluster"` (Cassandra's default `cluster_name`).
    public var clusterName: String = "Test Cluster"

    /// How often the shell calls `Gossiper.tick`. Default 1000 ms (Cassandra's fixed interval).
    public var gossipIntervalMs: Int64 = 1000

    /// An endpoint is marked down when its phi exceeds this. Default 8
    /// (`phi_convict_threshold`): with heartbeats every second, about 11.6 s of silence, so
    /// the first round after 12 s (see `acceptableHeartbeatPauseMs` for the computation).
    public var phiConvictThreshold: Double = 8

    /// The failure detector (`PhiAccrualFailureDetector`, Akka's model) takes the wait for
    /// the next heartbeat to be normally distributed with mean `mean + this` and standard
    /// deviation `max(stddev, minStandardDeviationMs)`, `mean` and `stddev` being those of
    /// the recorded intervals: this much silence beyond the usual interval is expected, and
    /// only what follows it is held against the endpoint. Default 8000 ms, chosen with
    /// `minStandardDeviationMs = 500` so that, with steady 1 s heartbeats (mean 1000 ms,
    /// stddev 0, so sigma = 500 ms), phi 8 is reached at `9000 + y * 500` ms where
    /// `y (1.5976 + 0.070566 y^2) = 8 ln 10 = 18.42`, i.e. y = 5.23: 11.6 s of silence, and
    /// a conviction in the first gossip round after it, at 12 s (a little later when
    /// relayed heartbeats arrive irregularly and the learned stddev exceeds 500 ms; 13.7 s
    /// at a stddev of 900 ms). At 10 s of silence phi is still 1.6. Must be >= 0.
    public var acceptableHeartbeatPauseMs: Int64 = 8_000

    /// The least standard deviation the failure detector assumes, however regular the
    /// recorded intervals (Akka's `min-std-deviation`): without it, perfectly steady
    /// heartbeats would make phi jump from 0 to huge over a few milliseconds. Default 500 ms
    /// (see `acceptableHeartbeatPauseMs`). Must be > 0.
    public var minStandardDeviationMs: Int64 = 500

    /// How many heartbeat inter-arrival intervals each endpoint's window keeps. Default 1000
    /// (Akka's `max-sample-size` too).
    public var arrivalWindowCapacity: Int = 1000

    /// The interval assumed for an endpoint before any has been measured: its mean, with no
    /// spread (so `minStandardDeviationMs`), until the first real interval is recorded, and
    /// then dropped: it is never kept in the window. Default 1000 ms (the gossip interval):
    /// a new endpoint is convicted after the same 12 s of silence as a known one.
    public var initialArrivalIntervalMs: Int64 = 1000

    /// Intervals longer than this are not recorded, so a long partition (or a node that was
    /// down and came back) does not teach the detector to wait longer next time. Default
    /// 2000 ms (Cassandra's `fd_max_interval_ms`).
    public var maxArrivalIntervalMs: Int64 = 2000

    /// When ticks are further apart than this (this node paused: GC, a stopped process, a
    /// wall-clock jump), no endpoint is marked down until this long after the pause, so
    /// peers' heartbeats can arrive first. Default 5000 ms (Cassandra's max local pause).
    public var localPauseToleranceMs: Int64 = 5000

    /// After an endpoint is removed, gossip about it is ignored this long, so peers that
    /// have not removed it yet cannot bring it back. Default 60 000 ms (Cassandra's
    /// `QUARANTINE_DELAY`, twice the 30 s ring delay).
    public var quarantineDelayMs: Int64 = 60_000

    /// How long a node that left stays in gossip (as `LEFT`) before every node drops it;
    /// the leaving node writes now + this into its status. Default 3 days (Cassandra's
    /// `aVeryLongTime`), long enough for nodes that were down to hear of the departure.
    public var leftExpiryMs: Int64 = 259_200_000

    /// An endpoint without tokens (never joined the ring) that has been down and silent this
    /// long is dropped. Token owners are never dropped this way: only leaving removes them.
    /// Default 30 000 ms (Cassandra's fat-client timeout, half the quarantine delay).
    public var silentTokenlessEvictionMs: Int64 = 30_000

    /// A generation more than this far ahead of local time is rejected as corrupt.
    /// Default one year in seconds (Cassandra's `MAX_GENERATION_DIFFERENCE`).
    public var maxGenerationAheadSeconds: Int64 = 365 * 86_400

    /// No message the gossiper produces encodes larger than this; an Ack or Ack2 that would
    /// carries what fits and the rest follows in later rounds. Decoding refuses larger
    /// input. Default 1 MiB (a 1000-node cluster's full state with 16 tokens each is ~400 KiB).
    public var maxMessageSizeBytes: Int = 1 << 20

    /// The most digests, requests or endpoint states one message may hold. Default 4096.
    public var maxEndpointsPerMessage: Int = 4096

    /// The most application states one endpoint state may hold on the wire. Default 64
    /// (11 keys are defined).
    public var maxApplicationStatesPerEndpoint: Int = 64

    /// The longest application state value in UTF-8 bytes. Default 64 KiB (256 tokens take
    /// about 5 KiB).
    public var maxValueBytes: Int = 65_536

    /// The longest cluster name in UTF-8 bytes. Default 256.
    public var maxClusterNameBytes: Int = 256

    /// The longest endpoint host in UTF-8 bytes. Default 255 (a DNS name's limit).
    public var maxHostBytes: Int = 255

    /// The defaults above.
    public init() {}

    /// The defaults with another cluster name.
    public init(clusterName: String) {
        self.clusterName = clusterName
    }
}
