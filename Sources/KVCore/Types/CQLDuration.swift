/// Cassandra's `duration`: months, days and nanoseconds, kept apart because their lengths
/// vary (a month is not a fixed number of days). All non-zero parts share one sign.
public struct CQLDuration: Sendable, Hashable {
    /// Whole months.
    public var months: Int32
    /// Whole days beyond the months.
    public var days: Int32
    /// Nanoseconds beyond the days.
    public var nanoseconds: Int64

    /// The duration with the given parts; serialization requires `hasConsistentSign`.
    public init(months: Int32, days: Int32, nanoseconds: Int64) {
        self.months = months
        self.days = days
        self.nanoseconds = nanoseconds
    }

    /// Whether no part is negative or no part is positive, as Cassandra requires.
    public var hasConsistentSign: Bool {
        let parts = [Int64(months), Int64(days), nanoseconds]
        return parts.allSatisfy { $0 >= 0 } || parts.allSatisfy { $0 <= 0 }
    }
}
