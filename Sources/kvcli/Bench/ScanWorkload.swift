import BenchCore
import KVClient
import KVCore

/// `--workload scan`: reads the table a token range at a time. The ring is split into
/// `--ranges` equal ranges; operation n reads range n mod ranges, every page, so a run of
/// `ranges` operations reads the whole table once (the default when no bound is given).
struct ScanWorkload: BenchWorkload {
    let operationNames = ["scan"]
    let sendsPagedOperations = true
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
        let (lower, upper) = TokenSlices.slice(ticket % ranges, of: ranges)
        return BenchOperation("scan", query, [.bigint(lower), .bigint(upper)], paged: true)
    }
}
