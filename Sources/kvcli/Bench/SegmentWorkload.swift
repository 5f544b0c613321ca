import BenchCore
import KVClient
import KVCore

/// `--workload segment`: the same filter query over `profiles` again and again, every page
/// fetched; the summary reports rows per second. The filter is `--where` (AND-only with
/// ALLOW FILTERING until the row-filter API gives OR and NOT).
struct SegmentWorkload: BenchWorkload {
    let operationNames = ["segment"]
    let query: PreparedStatement

    /// PERFORMANCE.md §3's example segment without its OR clause.
    static let defaultWhere = "country = 'JP' AND age >= 30 AND age < 40 AND push_enabled = true AND last_seen > 1720000000000"

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

/// `--workload scan`: reads the table a token range at a time. The ring is split into
/// `--ranges` equal ranges; operation n reads range n mod ranges, every page, so a run of
/// `ranges` operations reads the whole table once (the default when no bound is given).
struct ScanWorkload: BenchWorkload {
    let operationNames = ["scan"]
    let query: PreparedStatement
    let ranges: Int
    let onePass: Bool

    init(schema: BenchSchema, settings: BenchSettings, onePass: Bool) async throws(KVClientError) {
        let profiles = settings.scanTable == "profiles"
        try await schema.create(table: profiles ? ProfileDataset.createTable : BenchSchema.kvTable)
        let (table, key) = profiles ? ("profiles", "user_id") : ("kv", "key")
        query = try await schema.prepare("SELECT \(key) FROM \(table) WHERE token(\(key)) > ? AND token(\(key)) <= ?")
        ranges = max(1, settings.ranges)
        self.onePass = onePass
    }

    var fixedOperationCount: Int? { onePass ? ranges : nil }

    func operation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        let (lower, upper) = Self.range(ticket % ranges, of: ranges)
        return BenchOperation("scan", query, [.bigint(lower), .bigint(upper)], paged: true)
    }

    /// Range `index` of `count` equal slices of the Murmur3 ring: (lower, upper], the last
    /// one ending at the largest token.
    static func range(_ index: Int, of count: Int) -> (Int64, Int64) {
        let step = UInt64.max / UInt64(count)
        let lower = Int64.min &+ Int64(bitPattern: step &* UInt64(index))
        let upper = index == count - 1 ? Int64.max : Int64.min &+ Int64(bitPattern: step &* UInt64(index + 1))
        return (lower, upper)
    }
}
