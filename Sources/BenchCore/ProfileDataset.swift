/// The `profiles` dataset of PERFORMANCE.md §3: row i's values are a pure function of i, so
/// every tool (this bench, the SQLite and DuckDB scripts) generates the same rows.
public enum ProfileDataset {
    /// The table, as §3 defines it.
    public static let createTable = """
        CREATE TABLE IF NOT EXISTS profiles (user_id text PRIMARY KEY, country text, age int, \
        push_enabled boolean, purchase_count int, last_seen timestamp, ltv double, plan text, \
        attrs map<text, text>)
        """

    /// The columns in `Row`'s order.
    public static let columns = ["user_id", "country", "age", "push_enabled", "purchase_count", "last_seen",
                                 "ltv", "plan", "attrs"]

    public static let countries = ["JP", "US", "KR", "TW", "DE", "FR", "GB", "BR", "IN", "ID"]
    public static let plans = ["free", "basic", "pro", "enterprise"]
    public static let languages = ["ja", "en", "ko", "zh"]
    public static let devices = ["ios", "android", "web"]

    /// One row of the dataset.
    public struct Row: Sendable, Equatable {
        public var userID: String
        public var country: String
        public var age: Int32
        public var pushEnabled: Bool
        public var purchaseCount: Int32
        public var lastSeenMs: Int64
        public var ltv: Double
        public var plan: String
        public var attrs: [String: String]

        /// A row with these values.
        public init(userID: String, country: String, age: Int32, pushEnabled: Bool, purchaseCount: Int32,
                    lastSeenMs: Int64, ltv: Double, plan: String, attrs: [String: String]) {
            self.userID = userID
            self.country = country
            self.age = age
            self.pushEnabled = pushEnabled
            self.purchaseCount = purchaseCount
            self.lastSeenMs = lastSeenMs
            self.ltv = ltv
            self.plan = plan
            self.attrs = attrs
        }
    }

    /// `h(i, k) = splitmix64(i * 16 + k)`.
    public static func h(_ i: Int, _ k: UInt64) -> UInt64 {
        SplitMixRandom.splitmix64(UInt64(i) &* 16 &+ k)
    }

    /// `"u"` and i zero-padded to 10 digits.
    public static func userID(_ i: Int) -> String {
        let digits = String(i)
        return "u" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    /// Row number `i` (from 0).
    public static func row(_ i: Int) -> Row {
        Row(userID: userID(i),
            country: countries[Int(h(i, 1) % 10)],
            age: Int32(18 + h(i, 2) % 60),
            pushEnabled: h(i, 3) % 2 == 0,
            purchaseCount: Int32(h(i, 4) % 1000),
            lastSeenMs: 1_700_000_000_000 + Int64(h(i, 5) % 31_536_000_000),
            ltv: Double(h(i, 6) % 100_000) / 100.0,
            plan: plans[Int(h(i, 7) % 4)],
            attrs: ["lang": languages[Int(h(i, 8) % 4)], "device": devices[Int(h(i, 9) % 3)]])
    }
}
