import Coordinator
import Foundation
import KVCore
import LSMStore
import Yams

/// Everything a node is told at startup. Defaults are here, in one place; `kvnode.yaml` at
/// the repository root documents every key. Keys use Cassandra's snake_case names.
struct NodeConfiguration: Sendable, Equatable {
    var clusterName = "Test Cluster"
    /// Address for internode traffic (gossip, replication); also the node's identity.
    var listenAddress = "127.0.0.1"
    var storagePort = 7000
    /// Address and port for CQL clients.
    var nativeAddress = "127.0.0.1"
    var nativePort = 9042
    /// HTTP port for `kvcli status` and health checks.
    var adminPort = 7199
    /// Seed nodes: `host` (storage port implied) or `host:port`.
    var seeds = ["127.0.0.1"]
    var numTokens = 16
    var datacenter = "dc1"
    var rack = "rack1"
    var dataDirectory = "./data"
    /// Nil: `<data_directory>/commitlog`.
    var commitLogDirectory: String?
    var commitLogSync = "periodic"
    var commitLogSyncPeriodMs = 10_000
    var commitLogSyncGroupWindowMs = 15
    var phiConvictThreshold = 8.0
    var memtableSizeMB = 256
    var memtableSpaceMB = 1024
    var logLevel = "info"
    /// How long a coordinator waits for replicas: writes (and hints), single-partition
    /// reads, range reads.
    var writeRequestTimeoutMs = 2000
    var readRequestTimeoutMs = 5000
    var rangeRequestTimeoutMs = 10_000
    /// When a read still short of its consistency level also asks the next replica:
    /// `speculative_retry` in Cassandra's syntax (`NONE`, `<n>ms`, `<n>p`, `<n>PERCENTILE`);
    /// nil: the default, `99p`.
    var speculativeRetry: SpeculativeRetryPolicy?
    /// Deprecated alias: a fixed delay in ms, 0 for none. Nil unless the file sets it.
    var speculativeRetryMs: Int?
    /// Writes that miss a replica leave a hint, replayed when it is back, unless older
    /// than the window (then read repair must catch it up).
    var hintedHandoffEnabled = true
    var maxHintWindowMs = 10_800_000
    /// Batch guardrails, as Cassandra's: a client warning above the warn size, InvalidRequest
    /// above the fail size, a warning for unlogged batches over more partitions.
    var batchSizeWarnThresholdKB = 5
    var batchSizeFailThresholdKB = 50
    var unloggedBatchAcrossPartitionsWarnThreshold = 10
    /// A batchlog entry older than this is replayed by the node holding it; nil: twice
    /// `write_request_timeout_ms`, as Cassandra.
    var batchlogReplayTimeoutMs: Int?
    /// How often the node looks for batchlog entries to replay (the first look at startup).
    var batchlogReplayIntervalMs = 10_000
    /// Tests only: a coordinator of a logged batch applies this many of its mutations after
    /// the batchlog write and then exits the process at once (as if killed). -1: off.
    var failpointBatchExitAfterMutations = -1

    /// The largest memtable settings, in MiB (1 TiB).
    static let memtableMBMax = 1 << 20

    /// Every key the YAML file may hold.
    static let keys: Set<String> = [
        "cluster_name", "listen_address", "storage_port", "native_address", "native_port", "admin_port",
        "seeds", "num_tokens", "datacenter", "rack", "data_directory", "commitlog_directory",
        "commitlog_sync", "commitlog_sync_period_ms", "commitlog_sync_group_window_ms",
        "phi_convict_threshold", "memtable_size_mb", "memtable_space_mb", "log_level",
        "write_request_timeout_ms", "read_request_timeout_ms", "range_request_timeout_ms",
        "hinted_handoff_enabled", "max_hint_window_ms", "speculative_retry", "speculative_retry_ms",
        "batch_size_warn_threshold_in_kb", "batch_size_fail_threshold_in_kb", "unlogged_batch_across_partitions_warn_threshold",
        "batchlog_replay_timeout_ms", "batchlog_replay_interval_ms", "failpoint_batch_exit_after_mutations",
    ]
}

/// A configuration problem, naming the key, value or path at fault.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
}

extension NodeConfiguration {
    /// Reads a YAML file over the defaults. Unknown keys and wrongly typed values are errors.
    static func load(yaml text: String, source: String) throws -> NodeConfiguration {
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            throw ConfigurationError(description: "\(source): not valid YAML: \(error)")
        }
        guard let parsed else { return NodeConfiguration() }
        guard let map = parsed as? [String: Any] else {
            throw ConfigurationError(description: "\(source): expected a mapping of keys to values")
        }
        var configuration = NodeConfiguration()
        for key in map.keys.sorted() {
            guard keys.contains(key) else {
                throw ConfigurationError(description: "\(source): unknown key '\(key)' (known keys: \(keys.sorted().joined(separator: ", ")))")
            }
            try configuration.set(key, to: map[key]!, source: source)
        }
        return configuration
    }

    private mutating func set(_ key: String, to value: Any, source: String) throws {
        let reader = YAMLValueReader(key: key, value: value, source: source)
        switch key {
        case "cluster_name": clusterName = try reader.string()
        case "listen_address": listenAddress = try reader.string()
        case "storage_port": storagePort = try reader.integer()
        case "native_address": nativeAddress = try reader.string()
        case "native_port": nativePort = try reader.integer()
        case "admin_port": adminPort = try reader.integer()
        case "seeds": seeds = try reader.stringList()
        case "num_tokens": numTokens = try reader.integer()
        case "datacenter": datacenter = try reader.string()
        case "rack": rack = try reader.string()
        case "data_directory": dataDirectory = try reader.string()
        case "commitlog_directory": commitLogDirectory = try reader.string()
        case "commitlog_sync": commitLogSync = try reader.string()
        case "commitlog_sync_period_ms": commitLogSyncPeriodMs = try reader.integer()
        case "commitlog_sync_group_window_ms": commitLogSyncGroupWindowMs = try reader.integer()
        case "phi_convict_threshold": phiConvictThreshold = try reader.double()
        case "memtable_size_mb": memtableSizeMB = try reader.integer()
        case "memtable_space_mb": memtableSpaceMB = try reader.integer()
        case "log_level": logLevel = try reader.string()
        case "write_request_timeout_ms": writeRequestTimeoutMs = try reader.integer()
        case "read_request_timeout_ms": readRequestTimeoutMs = try reader.integer()
        case "range_request_timeout_ms": rangeRequestTimeoutMs = try reader.integer()
        case "hinted_handoff_enabled": hintedHandoffEnabled = try reader.boolean()
        case "max_hint_window_ms": maxHintWindowMs = try reader.integer()
        case "speculative_retry": speculativeRetry = try reader.speculativeRetryPolicy()
        case "speculative_retry_ms": speculativeRetryMs = try reader.integer()
        case "batch_size_warn_threshold_in_kb": batchSizeWarnThresholdKB = try reader.integer()
        case "batch_size_fail_threshold_in_kb": batchSizeFailThresholdKB = try reader.integer()
        case "unlogged_batch_across_partitions_warn_threshold": unloggedBatchAcrossPartitionsWarnThreshold = try reader.integer()
        case "batchlog_replay_timeout_ms": batchlogReplayTimeoutMs = try reader.integer()
        case "batchlog_replay_interval_ms": batchlogReplayIntervalMs = try reader.integer()
        case "failpoint_batch_exit_after_mutations": failpointBatchExitAfterMutations = try reader.integer()
        default: throw ConfigurationError(description: "\(source): unknown key '\(key)'")
        }
    }

    /// Checks values that parse but make no sense, naming the key.
    func validate() throws {
        for (key, port) in [("storage_port", storagePort), ("native_port", nativePort), ("admin_port", adminPort)] {
            guard (1...65535).contains(port) else { throw ConfigurationError(description: "\(key): \(port) is not a port (1-65535)") }
        }
        for (key, address) in [("listen_address", listenAddress), ("native_address", nativeAddress)] {
            guard IPv4Address(address) != nil else {
                throw ConfigurationError(description: "\(key): '\(address)' is not an IPv4 address")
            }
        }
        guard (1...256).contains(numTokens) else { throw ConfigurationError(description: "num_tokens: \(numTokens) is outside 1-256") }
        guard !seeds.isEmpty else { throw ConfigurationError(description: "seeds: at least one seed is needed") }
        for seed in seeds where (try? parseSeed(seed)) == nil {
            throw ConfigurationError(description: "seeds: '\(seed)' is not an IPv4 address or address:port")
        }
        guard ["periodic", "group", "batch"].contains(commitLogSync) else {
            throw ConfigurationError(description: "commitlog_sync: '\(commitLogSync)' is not periodic, group or batch")
        }
        guard commitLogSyncPeriodMs > 0, commitLogSyncGroupWindowMs > 0 else {
            throw ConfigurationError(description: "commitlog_sync_period_ms and commitlog_sync_group_window_ms must be positive")
        }
        guard phiConvictThreshold >= 1 else { throw ConfigurationError(description: "phi_convict_threshold must be >= 1") }
        for (key, value) in [("memtable_size_mb", memtableSizeMB), ("memtable_space_mb", memtableSpaceMB)]
        where !(1...Self.memtableMBMax).contains(value) {
            throw ConfigurationError(description: "\(key): \(value) is outside 1-\(Self.memtableMBMax)")
        }
        for (key, value) in [("write_request_timeout_ms", writeRequestTimeoutMs), ("read_request_timeout_ms", readRequestTimeoutMs),
                             ("range_request_timeout_ms", rangeRequestTimeoutMs)] where !(1...600_000).contains(value) {
            throw ConfigurationError(description: "\(key): \(value) is outside 1-600000")
        }
        guard maxHintWindowMs >= 0 else { throw ConfigurationError(description: "max_hint_window_ms must be >= 0") }
        try validateSpeculativeRetry()
        try validateBatches()
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ConfigurationError(description: "log_level: '\(logLevel)' is not a log level")
        }
    }

    private func validateBatches() throws {
        guard batchSizeWarnThresholdKB >= 1, batchSizeFailThresholdKB >= 1, unloggedBatchAcrossPartitionsWarnThreshold >= 0 else {
            throw ConfigurationError(description: "batch_size_warn_threshold_in_kb and batch_size_fail_threshold_in_kb must be >= 1, "
                                     + "unlogged_batch_across_partitions_warn_threshold >= 0")
        }
        guard (1...86_400_000).contains(batchlogReplayTimeoutMs ?? 1), (100...3_600_000).contains(batchlogReplayIntervalMs) else {
            throw ConfigurationError(description: "batchlog_replay_timeout_ms must be 1-86400000 and batchlog_replay_interval_ms 100-3600000")
        }
    }

    /// The batch guardrails in force.
    var batchLimits: BatchLimits {
        BatchLimits(warnThresholdBytes: batchSizeWarnThresholdKB * 1024, failThresholdBytes: batchSizeFailThresholdKB * 1024,
                    unloggedPartitionsWarnThreshold: unloggedBatchAcrossPartitionsWarnThreshold)
    }

    /// The age at which a batchlog entry is replayed.
    var batchlogReplayTimeout: Int { batchlogReplayTimeoutMs ?? 2 * writeRequestTimeoutMs }

    private func validateSpeculativeRetry() throws {
        guard let speculativeRetryMs else { return }
        guard speculativeRetry == nil else {
            throw ConfigurationError(description: "speculative_retry_ms is a deprecated alias of speculative_retry: set only speculative_retry")
        }
        guard (0...Int(SpeculativeRetryPolicy.fixedDelayMsMax)).contains(speculativeRetryMs) else {
            throw ConfigurationError(description: "speculative_retry_ms: \(speculativeRetryMs) is outside 0-600000")
        }
    }

    /// The speculative retry policy in force: `speculative_retry`, else the deprecated
    /// `speculative_retry_ms` (0: none), else `99p`.
    var speculativeRetryPolicy: SpeculativeRetryPolicy {
        if let speculativeRetry { return speculativeRetry }
        guard let speculativeRetryMs else { return .default }
        return speculativeRetryMs > 0 ? .fixed(.milliseconds(speculativeRetryMs)) : .none
    }

    /// A seed as (host, port), the storage port implied when absent.
    func parseSeed(_ seed: String) throws -> (host: String, port: Int) {
        let parts = seed.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), IPv4Address(String(parts[0])) != nil else {
            throw ConfigurationError(description: "seeds: '\(seed)' is not an IPv4 address or address:port")
        }
        guard parts.count == 2 else { return (String(parts[0]), storagePort) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else {
            throw ConfigurationError(description: "seeds: '\(seed)' has a bad port")
        }
        return (String(parts[0]), port)
    }

    /// The storage engine's options.
    var storeOptions: StoreOptions {
        var options = StoreOptions()
        options.commitLogDirectory = commitLogDirectory
        options.memtableSizeBytes = memtableSizeMB << 20
        options.memtableSpaceBytes = memtableSpaceMB << 20
        switch commitLogSync {
        case "batch": options.commitLog.syncMode = .batch
        case "group": options.commitLog.syncMode = .group(windowMs: commitLogSyncGroupWindowMs)
        default: options.commitLog.syncMode = .periodic(windowMs: commitLogSyncPeriodMs)
        }
        return options
    }
}

/// Reads one YAML value as the type its key needs.
struct YAMLValueReader {
    let key: String
    let value: Any
    let source: String

    private func mismatch(_ expected: String) -> ConfigurationError {
        ConfigurationError(description: "\(source): '\(key)' must be \(expected), got '\(value)'")
    }

    func string() throws -> String {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        throw mismatch("a string")
    }

    func integer() throws -> Int {
        guard let number = value as? Int else { throw mismatch("an integer") }
        return number
    }

    func boolean() throws -> Bool {
        guard let flag = value as? Bool else { throw mismatch("true or false") }
        return flag
    }

    func double() throws -> Double {
        if let number = value as? Double { return number }
        if let number = value as? Int { return Double(number) }
        throw mismatch("a number")
    }

    /// A `speculative_retry` value (`NONE`, `50ms`, `99p`, `99.9PERCENTILE`).
    func speculativeRetryPolicy() throws -> SpeculativeRetryPolicy {
        do {
            return try SpeculativeRetryPolicy(parsing: try string())
        } catch let error as SpeculativeRetryPolicy.ParseError {
            throw ConfigurationError(description: "\(source): '\(key)': \(error.description)")
        }
    }

    func stringList() throws -> [String] {
        if let list = value as? [Any] { return try list.map { try YAMLValueReader(key: key, value: $0, source: source).string() } }
        if let text = value as? String { return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        throw mismatch("a list of strings")
    }
}

/// A dotted-quad IPv4 address.
struct IPv4Address: Equatable {
    let octets: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        self.octets = octets
    }
}
