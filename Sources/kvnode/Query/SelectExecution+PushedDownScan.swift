import CQL
import Coordinator
import KVCore

/// Filtered token-range scans evaluated on the replicas (DESIGN §8): at ONE and LOCAL_ONE
/// the coordinator ships the compiled filter with the columns the result needs, and the
/// replicas answer only the matching rows (or only their count for `COUNT(*)`). Other
/// levels, tables with static columns, DISTINCT and PER PARTITION LIMIT keep the general
/// path, where rows are reconciled first and filtered here.
extension SelectExecution {
    /// How long one page of a pushed-down scan may run before it is answered with the rows
    /// found so far (maybe none) and a paging state: the client sees progress, and no page
    /// nears the driver's request timeout however selective the filter.
    static let scanPageBudgetNanos: UInt64 = 1_000_000_000

    /// The scan to push down for this execution's token-range read, or nil when the general
    /// path must serve it.
    func pushedDownScan(from: [UInt8]?, to: [UInt8]?, perPartition: Int,
                        countOnly: Bool = false) throws(ErrorResponse) -> ScanRequest? {
        guard let filter = plan.filter, StorageCoordinator.canPushDownScan(at: consistency), !plan.layout.hasStatics,
              !plan.isDistinct, perPartition == Int.max else { return nil }
        let layout = plan.layout
        return ScanRequest(table: layout.schema.id, from: from, to: to, filter: try filter.bind(bindings), keyLayout: layout.keyLayout,
                           columns: countOnly ? [] : selectedCellColumns(), countOnly: countOnly)
    }

    /// The ids of the columns whose cells the selected values are built from.
    private func selectedCellColumns() -> [UInt32] {
        var ids: [UInt32] = []
        for selected in plan.selected {
            switch selected {
            case .column(let column), .writeTime(let column), .timeToLive(let column), .field(let column, _),
                 .cast(let column, _):
                if column.kind == .regular || column.kind == .staticColumn, !ids.contains(column.id) { ids.append(column.id) }
            case .token, .countAll:
                break
            }
        }
        return ids
    }

    /// One page of a pushed-down scan into `page`, from `state`.
    func readPushedDown(_ request: ScanRequest, pageSize: Int, state: inout PagingState,
                        page: inout Page) async throws(ErrorResponse) {
        let room = min(pageSize - page.rows.count, state.remaining)
        guard room > 0 else { return }
        let after = state.position
        let scanned = try await coordinated { () async throws(CoordinatorError) in
            try await coordinator.scan(request, after: after, pageSize: room, budgetNanos: Self.scanPageBudgetNanos,
                                       replication: replication, consistency: consistency)
        }
        let builder = ResultRowBuilder(plan: plan, nowSeconds: nowSeconds)
        for partition in scanned.partitions {
            page.rows += builder.rows(of: partition, staticRow: nil).map(\.values)
        }
        state.remaining -= scanned.matchedCount
        state.position = scanned.nextPosition
        page.scanReport = ScanReport(scanned)
        page.next = scanned.nextPosition != nil && state.remaining > 0 ? state : nil
    }

    /// `COUNT(*)` of a pushed-down scan: the replicas count their matches, no row travels.
    func countPushedDown(_ request: ScanRequest) async throws(ErrorResponse) -> (Int, ScanReport) {
        var count = 0
        var report = ScanReport()
        var after: RowPosition?
        repeat {
            let position = after
            let scanned = try await coordinated { () async throws(CoordinatorError) in
                try await coordinator.scan(request, after: position, pageSize: Int.max, budgetNanos: Self.scanPageBudgetNanos,
                                           replication: replication, consistency: consistency)
            }
            count += scanned.matchedCount
            report.add(ScanReport(scanned))
            after = scanned.nextPosition
        } while after != nil
        return (count, report)
    }
}

/// The work a pushed-down scan did for one response, per replica, and how far it is.
struct ScanReport: Sendable {
    var statistics: [HostID: ScanStatistics] = [:]
    var rangesDone = 0
    var rangesTotal = 0

    init() {}

    init(_ page: ScanPage) {
        statistics = page.statistics
        rangesDone = page.rangesDone
        rangesTotal = page.rangesTotal
    }

    /// Adds `later`'s work; its progress replaces this one's.
    mutating func add(_ later: ScanReport) {
        for (host, statistics) in later.statistics { self.statistics[host, default: ScanStatistics()] += statistics }
        rangesDone = later.rangesDone
        rangesTotal = later.rangesTotal
    }
}
