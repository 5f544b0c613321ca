import KVCore

/// ISO 8601 durations, converted as Cassandra's `Duration.from` converts them.
extension CQLTextValues {
    private static let nanosecondsPerHour: Int64 = 3_600_000_000_000
    private static let nanosecondsPerMinute: Int64 = 60_000_000_000
    private static let nanosecondsPerSecond: Int64 = 1_000_000_000

    /// A duration from `[-]P…` in one of the three ISO 8601 forms: `PnW` (weeks), the
    /// alternative `Pyyyy-mm-ddThh:mm:ss`, or designators `P[nY][nM][nD][T[nH][nM][nS]]`.
    /// Nil when the text has none of these forms or a total overflows (months and days must
    /// fit in 32 bits, nanoseconds in 64).
    static func isoDuration(_ text: String) -> CQLDuration? {
        let negative = text.hasPrefix("-")
        var body = Substring(text).dropFirst(negative ? 2 : 1)
        let amounts: [Character: Int64]
        if body.hasSuffix("W") {
            guard let weeks = designatedAmounts(body, order: ["W"]), let count = weeks["W"] else { return nil }
            amounts = ["D": count, "w": 7]
        } else if body.contains("-") {
            guard let alternative = alternativeAmounts(body) else { return nil }
            amounts = alternative
        } else {
            let parts = body.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
            body = parts[0]
            guard let date = designatedAmounts(body, order: ["Y", "M", "D"]),
                  let time = parts.count > 1 ? designatedAmounts(parts[1], order: ["H", "M", "S"]) : [:]
            else { return nil }
            amounts = date.merging(time.map { (Character($0.key.lowercased()), $0.value) }) { first, _ in first }
        }
        return totals(amounts, negative: negative)
    }

    /// Date amounts keyed `Y M D`, time amounts keyed `h m s`; `w` multiplies days (weeks).
    private static func totals(_ amounts: [Character: Int64], negative: Bool) -> CQLDuration? {
        guard let months = sum([(amounts["Y"], 12), (amounts["M"], 1)]),
              let days = sum([(amounts["D"], amounts["w"] ?? 1)]),
              let nanoseconds = sum([(amounts["h"], nanosecondsPerHour), (amounts["m"], nanosecondsPerMinute),
                                     (amounts["s"], nanosecondsPerSecond)]),
              let monthCount = Int32(exactly: months), let dayCount = Int32(exactly: days)
        else { return nil }
        let sign: Int32 = negative ? -1 : 1
        return CQLDuration(months: sign * monthCount, days: sign * dayCount, nanoseconds: Int64(sign) * nanoseconds)
    }

    /// Σ amount × unit over the present amounts, or nil on overflow.
    private static func sum(_ terms: [(Int64?, Int64)]) -> Int64? {
        var total: Int64 = 0
        for case let (amount?, unit) in terms {
            let (product, productOverflow) = amount.multipliedReportingOverflow(by: unit)
            let (next, sumOverflow) = total.addingReportingOverflow(product)
            guard !productOverflow, !sumOverflow else { return nil }
            total = next
        }
        return total
    }

    /// `(digits designator)*` with each designator from `order` at most once, in that order.
    private static func designatedAmounts(_ text: Substring, order: [Character]) -> [Character: Int64]? {
        var rest = text
        var remaining = order[...]
        var amounts: [Character: Int64] = [:]
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            guard !digits.isEmpty, let amount = Int64(digits), let designator = rest.first,
                  let position = remaining.firstIndex(of: designator) else { return nil }
            amounts[designator] = amount
            remaining = remaining[(position + 1)...]
            rest = rest.dropFirst()
        }
        return amounts
    }

    /// `yyyy-mm-ddThh:mm:ss` as amounts keyed `Y M D h m s`.
    private static func alternativeAmounts(_ text: Substring) -> [Character: Int64]? {
        let pattern = Array("####-##-##T##:##:##")
        let characters = Array(text)
        guard characters.count == pattern.count else { return nil }
        for (character, expected) in zip(characters, pattern) {
            guard expected == "#" ? (character.isASCII && character.isNumber) : character == expected else { return nil }
        }
        func field(_ start: Int, _ length: Int) -> Int64 { Int64(String(characters[start..<start + length]))! }
        return ["Y": field(0, 4), "M": field(5, 2), "D": field(8, 2), "h": field(11, 2), "m": field(14, 2), "s": field(17, 2)]
    }
}
