import BenchCore
import KVClient
import KVCore

/// The `profiles` table of PERFORMANCE.md §3 and the statements the profile workloads send.
struct ProfileStatements: Sendable {
    let insert: PreparedStatement
    let read: PreparedStatement
    let update: PreparedStatement
    /// The rows the profile reads and updates pick from (`--rows`, `--key-offset`...).
    let rows: KeyChooser

    init(schema: BenchSchema, settings: BenchSettings) async throws(KVClientError) {
        try await schema.create(table: ProfileDataset.createTable)
        let columns = ProfileDataset.columns
        insert = try await schema.prepare("INSERT INTO profiles (\(columns.joined(separator: ", "))) VALUES ("
                                          + columns.map { _ in "?" }.joined(separator: ", ") + ")")
        read = try await schema.prepare("SELECT * FROM profiles WHERE user_id = ?")
        // Element writes: the profile's other attributes stay, and nothing is read first.
        update = try await schema.prepare(
            "UPDATE profiles SET purchase_count = ?, last_seen = ?, attrs['lang'] = ?, attrs['device'] = ? WHERE user_id = ?")
        rows = try KeyChooser(settings: settings, tableSize: settings.rows)
    }

    /// `profile-read`: a whole profile by id.
    func readOperation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        let row = rows.key(ticket: ticket, random: &random)
        return BenchOperation("profile-read", read, [.text(ProfileDataset.userID(row))])
    }

    /// `profile-update`: a new purchase count and last-seen time, and new map entries.
    func updateOperation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        let row = rows.key(ticket: ticket, random: &random)
        let draw = random.next()
        return BenchOperation("profile-update", update, [
            .int(Int32((draw >> 16) % 1000)), .timestamp(1_700_000_000_000 + Int64((draw >> 24) % 31_536_000_000)),
            .text(ProfileDataset.languages[Int(draw % 4)]), .text(ProfileDataset.devices[Int((draw >> 8) % 3)]),
            .text(ProfileDataset.userID(row)),
        ])
    }

    /// Row `i` of the dataset as the insert's values.
    func insertValues(_ i: Int) -> [CQLValue?] {
        let row = ProfileDataset.row(i)
        return [.text(row.userID), .text(row.country), .int(row.age), .boolean(row.pushEnabled),
                .int(row.purchaseCount), .timestamp(row.lastSeenMs), .double(row.ltv), .text(row.plan),
                Self.map(row.attrs)]
    }

    private static func map(_ entries: [String: String]) -> CQLValue {
        .map(entries.sorted { $0.key < $1.key }.map { CQLMapEntry(key: .text($0.key), value: .text($0.value)) })
    }
}
