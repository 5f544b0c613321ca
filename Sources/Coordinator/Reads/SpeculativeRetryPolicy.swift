/// When a read still short of its consistency level asks one more replica instead of waiting
/// for a slow one (DESIGN §6), as Cassandra's `speculative_retry` table option says it.
public enum SpeculativeRetryPolicy: Sendable, Equatable, CustomStringConvertible {
    /// Never: a slow replica is waited for until the read timeout.
    case none
    /// After this fixed delay.
    case fixed(Duration)
    /// After the coordinator's recent read latency to replicas at this percentile
    /// (0 < percentile < 100), tracked by `ReadLatencyWindow`.
    case percentile(Double)

    /// Cassandra's default, `99p`.
    public static let `default` = SpeculativeRetryPolicy.percentile(99)

    /// The largest fixed delay accepted: longer than any sane read timeout.
    public static let fixedDelayMsMax = 600_000.0

    /// Why a `speculative_retry` value was refused.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Parses Cassandra's syntax, case-insensitively: `NONE`, `<n>ms` (a fixed delay,
    /// 0-600000), `<n>p` or `<n>PERCENTILE` (0 < n < 100); `n` may have a fraction (`99.9p`).
    public init(parsing text: String) throws(ParseError) {
        let value = text.trimmingSpaces.uppercased()
        if value == "NONE" { self = .none; return }
        for (suffix, isPercentile) in [("PERCENTILE", true), ("MS", false), ("P", true)] where value.hasSuffix(suffix) {
            guard let number = Self.decimal(value.dropLast(suffix.count)) else { break }
            if isPercentile {
                guard number > 0, number < 100 else {
                    throw ParseError(description: "percentile \(number) in '\(text)' is not between 0 and 100 (exclusive)")
                }
                self = .percentile(number)
            } else {
                guard number <= Self.fixedDelayMsMax else {
                    throw ParseError(description: "'\(text)' is longer than \(Int(Self.fixedDelayMsMax))ms")
                }
                self = .fixed(.nanoseconds(Int64((number * 1_000_000).rounded())))
            }
            return
        }
        throw ParseError(description: "'\(text)' is not NONE, <n>ms, <n>p or <n>PERCENTILE (e.g. 99p, 50ms)")
    }

    /// Digits with at most one decimal point: no sign, exponent, NaN or infinity.
    private static func decimal(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.filter({ $0 == "." }).count <= 1,
              text.allSatisfy({ $0 == "." || ("0"..."9").contains($0) }), text != "." else { return nil }
        return Double(text)
    }

    /// The option as Cassandra writes it (`NONE`, `50ms`, `99p`).
    public var description: String {
        switch self {
        case .none: "NONE"
        case .fixed(let delay): "\(Self.plain(Double(delay.components.seconds) * 1000 + Double(delay.components.attoseconds) / 1e15))ms"
        case .percentile(let percentile): "\(Self.plain(percentile))p"
        }
    }

    private static func plain(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
