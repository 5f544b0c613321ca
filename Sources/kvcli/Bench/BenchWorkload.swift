import BenchCore
import CQL
import KVClient
import KVCore

/// One request a workload wants sent: a prepared statement and its values. The runner sends
/// it and times it, so workloads only decide what to ask.
struct BenchOperation: Sendable {
    /// The operation kind it is counted under (`read`, `write`, `scan`...).
    let name: String
    let statement: PreparedStatement
    let values: [CQLValue?]
    /// True for scans and segments: every page is fetched and the rows counted.
    let paged: Bool

    init(_ name: String, _ statement: PreparedStatement, _ values: [CQLValue?], paged: Bool = false) {
        self.name = name
        self.statement = statement
        self.values = values
        self.paged = paged
    }
}

/// A workload: the operation kinds it reports and, for each ticket (the run's operation
/// number), the operation to send. Workloads are immutable once prepared and shared by
/// every worker; randomness comes from the worker's own generator.
protocol BenchWorkload: Sendable {
    /// The operation kinds the summary lists, even when none succeeded.
    var operationNames: [String] { get }
    /// When set, the run is exactly this many operations (profiles-load: its rows; scan
    /// without a bound: one pass over the ring), whatever `--duration` says.
    var fixedOperationCount: Int? { get }
    /// Whether some operations are paged (scans, segments): those need the task-based driver.
    var sendsPagedOperations: Bool { get }
    /// The operation numbered `ticket`.
    func operation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation
    /// The operation numbered `ticket` with its values written, already serialized for its
    /// statement, into `bound` (rewritten in place: a worker that keeps the array allocates
    /// nothing for values). Nil, drawing nothing from `random`, for workloads without this
    /// form: the worker then calls `operation(ticket:random:)`.
    func boundOperation(ticket: Int, random: inout SplitMixRandom, into bound: inout [ProtocolValue]) -> BoundOperation?
    /// The workload for the workers of one event loop: the same operations, from objects
    /// (statements, buffers) no other loop's workers use, so that the reference counts
    /// taken per operation are not cache lines both cores write. Default: itself.
    func copiedForEventLoop() -> any BenchWorkload
}

/// The name and statement of an operation whose values were written into a worker's array.
struct BoundOperation {
    /// As `BenchOperation.name`.
    let name: String
    let statement: PreparedStatement
}

extension BenchWorkload {
    var fixedOperationCount: Int? { nil }
    var sendsPagedOperations: Bool { false }
    func boundOperation(ticket: Int, random: inout SplitMixRandom, into bound: inout [ProtocolValue]) -> BoundOperation? {
        nil
    }
    func copiedForEventLoop() -> any BenchWorkload { self }
}

/// The workload names `--workload` accepts, and how each is built.
enum WorkloadKind: String, CaseIterable, Sendable {
    case kv
    case profilesLoad = "profiles-load"
    case profileRead = "profile-read"
    case profileUpdate = "profile-update"
    case mixed
    case segment
    case scan

    /// Creates the schema the workload needs (if missing) and prepares its statements.
    func make(client: KVClient, settings: BenchSettings, boundGiven: Bool) async throws(KVClientError)
        -> any BenchWorkload {
        let schema = BenchSchema(client: client, settings: settings)
        switch self {
        case .kv: return try await KVWorkload(schema: schema, settings: settings)
        case .profilesLoad:
            return ProfilesLoadWorkload(statements: try await ProfileStatements(schema: schema, settings: settings))
        case .profileRead, .profileUpdate:
            return ProfileWorkload(statements: try await ProfileStatements(schema: schema, settings: settings),
                                   updates: self == .profileUpdate)
        case .mixed: return try await MixedWorkload(schema: schema, settings: settings)
        case .segment: return try await SegmentWorkload(schema: schema, settings: settings)
        case .scan: return try await ScanWorkload(schema: schema, settings: settings, onePass: !boundGiven)
        }
    }
}
