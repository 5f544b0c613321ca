import BenchCore
import KVClient
import KVCore

/// `--workload segment`: the same filter query over `profiles` again and again, every page
/// fetched; the summary reports rows per second. The filter is `--where`, any filter the
/// server takes with ALLOW FILTERING (AND, OR, NOT).
struct SegmentWorkload: BenchWorkload {
    let operationNames = ["segment"]
    let sendsPagedOperations = true
    let query: PreparedStatement

    /// PERFORMANCE.md §3's example segment.
    static let defaultWhere = "country = 'JP' AND age >= 30 AND age < 40 AND push_enabled = true "
        + "AND last_seen > 1720000000000 AND (plan = 'pro' OR purchase_count >= 500)"

    init(schema: BenchSchema, settings: BenchSettings) async throws(KVClientError) {
        try await schema.create(table: ProfileDataset.createTable)
        query = try await schema.prepare(Self.text(whereClause: settings.whereClause))
    }

    static func text(whereClause: String) -> String {
        let condition = whereClause.isEmpty ? "" : " WHERE \(whereClause)"
        return "SELECT user_id FROM profiles\(condition) ALLOW FILTERING"
    }

    func operation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        BenchOperation("segment", query, [], paged: true)
    }
}
