import ArgumentParser
import BenchCore
import CQL
import Foundation
import KVClient
import NIOPosix

/// `kvcli bench [run] --workload W ...`: runs one workload against a cluster and reports.
struct BenchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a workload (the default: `kvcli bench --workload kv` is `kvcli bench run ...`).")

    @Option(help: "kv, profiles-load, profile-read, profile-update, mixed, segment or scan.")
    var workload = "kv"

    @Option(help: "Contact points, comma-separated (host or host:port).")
    var hosts = "127.0.0.1"

    @Option(help: "The native port of hosts given without one.")
    var port = 9042

    @Option(help: "The keyspace (created if missing).")
    var keyspace = "bench"

    @Option(help: "The replication factor of a keyspace the bench creates.")
    var replicationFactor = 1

    @Option(help: "The consistency level of every operation.")
    var consistency = "ONE"

    @Option(help: "Connections per node.")
    var connections = 4

    @Option(help: "Requests outstanding per connection.")
    var inFlight = 1

    @Option(help: "How long to measure (10s, 500ms, 2m). Default 10s unless --ops is given.")
    var duration: String?

    @Option(help: "How many operations to measure.")
    var ops: Int?

    @Option(help: "Fixed rate, operations per second in all (5000 or 5000/s); latency counts from each operation's due time. Default: closed loop.")
    var rate: String?

    @Option(help: "Run this long first without measuring (e.g. 5s).")
    var warmup = "0s"

    @Option(help: "Keys of the kv table.")
    var keys = 1_000_000

    @Option(help: "Rows of the profiles dataset.")
    var rows = 10_000

    @Option(help: "The first key (or row) number this process uses.")
    var keyOffset = 0

    @Option(help: "How many keys (or rows) from --key-offset this process uses; 0: to the end of the table.")
    var keyCount = 0

    @Option(help: "uniform, zipfian, zipfian:<exponent> or sequential.")
    var distribution = "uniform"

    @Option(help: "Value size in bytes: fixed (100) or a range (50..200).")
    var valueSize = "100"

    @Option(help: "kv: the fraction of operations that are reads (0 writes only, 1 reads only).")
    var readRatio = 0.5

    @Option(help: "mixed: weights of read, write, profile-read, profile-update, segment, scan.")
    var mix = "read=4,write=2,profile-read=2,profile-update=2"

    @Option(name: .customLong("where"), help: "segment: the WHERE clause (ALLOW FILTERING is added).")
    var whereClause = SegmentWorkload.defaultWhere

    @Option(help: "scan: token ranges the ring is split into.")
    var ranges = 64

    @Option(help: "scan: the table to read, kv or profiles.")
    var scanTable = "kv"

    @Option(help: "Rows per page of scans and segments.")
    var pageSize: Int32 = 5000

    @Option(help: "Request timeout (12s, 500ms).")
    var timeout = "12s"

    @Option(help: "Seed of the random key and value choices.")
    var seed: UInt64 = 1

    @Option(help: "Write the report as JSON to this file.")
    var json: String?

    @Option(help: "Write the report as a self-contained HTML page to this file.")
    var html: String?

    @Flag(help: "No progress line every second.")
    var quiet = false

    @Flag(help: "Run the workers on Swift's global pool, not on the client's event loops (slower; for comparison).")
    var onGlobalPool = false

    @Option(help: "Event loops (threads) the bench's connections run on; 0: one per core.")
    var eventLoops = 0

    @Flag(help: "One task per worker instead of callbacks on the event loops (slower; for comparison).")
    var taskWorkers = false

    @Flag(help: "Leave the bench's threads under the default scheduling policy instead of SCHED_BATCH (Linux), which keeps their wake-ups from preempting a node on the same machine.")
    var normalScheduling = false

    func validate() throws {
        guard WorkloadKind(rawValue: workload) != nil else {
            throw ValidationError("unknown workload '\(workload)': \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ProtocolConsistency(name: consistency) != nil else { throw ValidationError("unknown consistency '\(consistency)'") }
        guard eventLoops >= 0 else { throw ValidationError("--event-loops is 0 (one per core) or more") }
        guard connections >= 1, inFlight >= 1, connections * inFlight <= 100_000 else {
            throw ValidationError("--connections and --in-flight must be at least 1 (and their product at most 100000)")
        }
        guard duration.map({ DurationParsing.seconds($0) != nil }) ?? true, DurationParsing.seconds(warmup) != nil,
              DurationParsing.seconds(timeout) != nil else { throw ValidationError("bad duration (use 10s, 500ms, 2m)") }
        guard rate.map({ DurationParsing.rate($0) != nil }) ?? true else { throw ValidationError("bad --rate (use 5000 or 5000/s)") }
        guard ops.map({ $0 >= 1 }) ?? true, keys >= 1, rows >= 1, keyOffset >= 0, keyCount >= 0, ranges >= 1,
              replicationFactor >= 1, pageSize >= 1 else { throw ValidationError("counts must be positive") }
        guard (0...1).contains(readRatio) else { throw ValidationError("--read-ratio is between 0 and 1") }
        guard KeyDistribution(parsing: distribution) != nil else { throw ValidationError("bad --distribution '\(distribution)'") }
        guard ValueSize(parsing: valueSize) != nil else { throw ValidationError("bad --value-size '\(valueSize)'") }
        guard ["kv", "profiles"].contains(scanTable) else { throw ValidationError("--scan-table is kv or profiles") }
    }

    func run() async throws {
        let settings = self.settings
        let printer = BenchPrinter(showsProgress: !quiet)
        if !normalScheduling { BatchScheduling.apply() }
        let client = try await connect(settings)
        defer { client.close() }
        let prepared: any BenchWorkload
        do {
            prepared = try await WorkloadKind(rawValue: workload)!.make(client: client, settings: settings,
                                                                         boundGiven: ops != nil || duration != nil)
        } catch {
            printer.note("setting up the \(workload) workload failed: \(error)")
            throw ExitCode(1)
        }
        let group = client.configuration.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        let executors = onGlobalPool ? [] : EventLoopTaskExecutor.all(of: group)
        let loops = onGlobalPool || taskWorkers ? [] : Array(group.makeIterator())
        let runner = BenchRunner(client: client, workload: prepared, plan: plan(settings, prepared), printer: printer,
                                 executors: executors, loops: loops)
        let outcome = await runner.run()
        let report = BenchReport(config: settings,
                                 summary: BenchReport.summary(of: outcome.recorder.total, names: prepared.operationNames,
                                                              elapsedS: outcome.elapsedS),
                                 series: outcome.recorder.series, process: outcome.usage, elapsedS: outcome.elapsedS)
        printer.summary(report)
        try write(report)
    }

    private var settings: BenchSettings {
        let bounded = ops != nil && duration == nil
        return BenchSettings(
            workload: workload, hosts: hosts.split(separator: ",").map(String.init), connections: connections,
            inFlight: inFlight, consistency: consistency.uppercased(),
            durationS: bounded ? nil : DurationParsing.seconds(duration ?? "10s"), ops: ops,
            rate: rate.flatMap(DurationParsing.rate), warmupS: DurationParsing.seconds(warmup) ?? 0,
            keyOffset: keyOffset, keyCount: keyCount, keys: keys, rows: rows, distribution: distribution,
            valueSize: valueSize, readRatio: readRatio, mix: mix, keyspace: keyspace,
            replicationFactor: replicationFactor, whereClause: whereClause, ranges: ranges, scanTable: scanTable,
            timeoutMs: Int((DurationParsing.seconds(timeout) ?? 12) * 1000), seed: seed)
    }

    private func plan(_ settings: BenchSettings, _ workload: any BenchWorkload) -> BenchRunner.Plan {
        var limit = settings.ops
        var durationNs = settings.durationS.map { UInt64($0 * 1e9) }
        if let fixed = workload.fixedOperationCount {
            // profiles-load loads its rows and a boundless scan reads the ring once, whatever the clock says.
            limit = fixed
            durationNs = nil
        }
        let warmupNs = workload is ProfilesLoadWorkload ? 0 : UInt64(settings.warmupS * 1e9)
        return BenchRunner.Plan(workers: connections * inFlight, inFlight: inFlight, operationLimit: limit, durationNs: durationNs,
                                ratePerSecond: settings.rate, warmupNs: warmupNs,
                                consistency: ProtocolConsistency(name: consistency)!, pageSize: pageSize, seed: seed)
    }

    private func connect(_ settings: BenchSettings) async throws -> KVClient {
        var configuration = KVClientConfiguration(defaultPort: port, connectionsPerHost: connections,
                                                  requestTimeoutMs: Int64(settings.timeoutMs))
        if eventLoops > 0 { configuration.eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops) }
        configuration.defaultConsistency = ProtocolConsistency(name: consistency)!
        do {
            return try await KVClient.connect(contactPoints: settings.hosts, configuration: configuration)
        } catch {
            BenchPrinter().note("could not connect to \(hosts): \(error)")
            throw ExitCode(2)
        }
    }

    private func write(_ report: BenchReport) throws {
        if let json { try report.jsonData().write(to: URL(fileURLWithPath: json)) }
        if let html { try Data(HTMLReport.render(report).utf8).write(to: URL(fileURLWithPath: html)) }
    }
}
