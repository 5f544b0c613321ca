/// Every knob of the gossip module, with Cassandra's defaults where Cassandra has one.
/// Times are milliseconds of wall-clock time, the unit `Gossiper` receives `nowMillis` in.
public struct GossipConfiguration: Sendable, Equatable {
    /// Syns from a node with another cluster name are ignored, so two clusters sharing a
    /// network never merge. Default `"Test Cluster"` (Cassandra's default `cluster_name`).
    public var clusterName: String = "Test Cluster"

    /// How often the shell calls `Gossiper.tick`. Default 1000 ms (Cassandra's fixed interval).
    public var gossipIntervalMs: Int64 = 1000

    /// An endpoint is marked down when its phi exceeds this. Default 8
    /// (`phi_convict_threshold`): with heartbeats every second, about 18.4 s of silence.
    public var phiConvictThreshold: Double = 8

    /// How many heartbeat inter-arrival intervals each endpoint's window keeps. Default 1000.
    public var arrivalWindowCapacity: Int = 1000

    /// The interval assumed before any has been measured, recorded as an endpoint's first
    /// sample. Default 2000 ms (twice the gossip interval, as Cassandra): erring high means a
    /// new endpoint is convicted a little late rather than flapping.
    public var initialArrivalIntervalMs: Int64 = 2000

    /// Intervals longer than this are not recorded, so a long partition does not teach the
    /// detector to wait longer next time. Default 2000 ms (Cassandra's `fd_max_interval_ms`).
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
