/// Everything a bench run was configured with, as its `--json` report's `config` records it.
public struct BenchSettings: Codable, Sendable, Equatable {
    public var workload: String
    public var hosts: [String]
    /// Connections per node.
    public var connections: Int
    /// Requests outstanding per connection.
    public var inFlight: Int
    public var consistency: String
    /// The measured run's length (nil when `ops` bounds it).
    public var durationS: Double?
    /// The measured run's operation count (nil when `durationS` bounds it).
    public var ops: Int?
    /// Operations per second in fixed-rate mode; nil for closed loop.
    public var rate: Double?
    public var warmupS: Double
    /// The key (kv) or row (profiles) range: `keyOffset ..< keyOffset + keyCount`; a
    /// `keyCount` of 0 means to the end of the table (`keys` or `rows`).
    public var keyOffset: Int
    public var keyCount: Int
    /// Keys of the kv table.
    public var keys: Int
    /// Rows of the `profiles` dataset.
    public var rows: Int
    public var distribution: String
    public var valueSize: String
    /// Fraction of kv operations that are reads.
    public var readRatio: Double
    /// The `mixed` workload's weights, `name=weight,...`.
    public var mix: String
    public var keyspace: String
    public var replicationFactor: Int
    /// The `segment` workload's WHERE clause.
    public var whereClause: String
    /// Token ranges the `scan` workload splits the ring into.
    public var ranges: Int
    /// The table the `scan` workload reads: `kv` or `profiles`.
    public var scanTable: String
    public var timeoutMs: Int
    public var seed: UInt64

    /// Creates settings; see each property.
    public init(workload: String, hosts: [String], connections: Int, inFlight: Int, consistency: String,
                durationS: Double?, ops: Int?, rate: Double?, warmupS: Double, keyOffset: Int, keyCount: Int,
                keys: Int, rows: Int, distribution: String, valueSize: String, readRatio: Double, mix: String,
                keyspace: String, replicationFactor: Int, whereClause: String, ranges: Int, scanTable: String, timeoutMs: Int,
                seed: UInt64) {
        self.workload = workload
        self.hosts = hosts
        self.connections = connections
        self.inFlight = inFlight
        self.consistency = consistency
        self.durationS = durationS
        self.ops = ops
        self.rate = rate
        self.warmupS = warmupS
        self.keyOffset = keyOffset
        self.keyCount = keyCount
        self.keys = keys
        self.rows = rows
        self.distribution = distribution
        self.valueSize = valueSize
        self.readRatio = readRatio
        self.mix = mix
        self.keyspace = keyspace
        self.replicationFactor = replicationFactor
        self.whereClause = whereClause
        self.ranges = ranges
        self.scanTable = scanTable
        self.timeoutMs = timeoutMs
        self.seed = seed
    }
}
