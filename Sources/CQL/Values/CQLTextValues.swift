#if canImport(Glibc)
import Glibc
#endif
import KVCore

/// Parsers for the string forms CQL accepts for non-text types.
enum CQLTextValues {
    /// An IPv4 or IPv6 address in network order.
    static func inet(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    /// A duration in CQL's unit form, e.g. `1h30m`, `-1mo2d3ns`, `2w` (units `y mo w d h m s
    /// ms us µs ns`). ISO 8601 forms (`P1Y2M3DT4H5M6S`, `P2W`, `P0001-02-03T04:05:06`, optionally negated
    /// with a leading `-`) are taken too, as Cassandra's `Duration.from` takes them.
    static func duration(_ text: String) -> CQLDuration? {
        if text.hasPrefix("P") || text.hasPrefix("-P") { return isoDuration(text) }
        var rest = Substring(text.lowercased())
        let negative = rest.first == "-"
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        var months: Int64 = 0, days: Int64 = 0, nanos: Int64 = 0
        let units: [(String, (Int64) -> Void)] = [
            ("mo", { months += $0 }), ("ms", { nanos += $0 * 1_000_000 }), ("us", { nanos += $0 * 1000 }),
            ("µs", { nanos += $0 * 1000 }), ("ns", { nanos += $0 }), ("y", { months += $0 * 12 }),
            ("w", { days += $0 * 7 }), ("d", { days += $0 }), ("h", { nanos += $0 * 3_600_000_000_000 }),
            ("m", { nanos += $0 * 60_000_000_000 }), ("s", { nanos += $0 * 1_000_000_000 }),
        ]
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 12, let amount = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (unit, add) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            add(amount)
            rest = rest.dropFirst(unit.count)
        }
        let sign: Int64 = negative ? -1 : 1
        guard let m = Int32(exactly: sign * months), let d = Int32(exactly: sign * days) else { return nil }
        return CQLDuration(months: m, days: d, nanoseconds: sign * nanos)
    }

    /// A UUID in its 8-4-4-4-12 hex form.
    static func uuid(_ text: String) -> CQLUUID? {
        let hexDigits = text.filter { $0 != "-" }
        guard text.count == 36, hexDigits.count == 32, let bytes = hex(hexDigits) else { return nil }
        return CQLUUID(bytes: bytes)
    }

    /// Bytes from hex digits (no `0x`), an even number of them.
    static func hex(_ digits: some StringProtocol) -> [UInt8]? {
        let scalars = Array(digits.utf8)
        guard scalars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count / 2)
        var index = 0
        while index < scalars.count {
            guard let high = nibble(scalars[index]), let low = nibble(scalars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Milliseconds since the epoch from `yyyy-mm-dd[( |T)hh:mm[:ss[.fff]]][zone]`, zone
    /// `Z`, `+hh`, `+hhmm` or `+hh:mm` (UTC when absent), or a plain integer.
    static func timestampMillis(_ text: String) -> Int64? {
        if let millis = Int64(text) { return millis }
        var scanner = Scanner(text)
        guard let days = scanner.date() else { return nil }
        var millis = Int64(days) * 86_400_000
        if scanner.skip("T") || scanner.skip(" ") {
            guard let nanos = scanner.timeOfDay(requireSeconds: false) else { return nil }
            millis += nanos / 1_000_000
        }
        if !scanner.isAtEnd {
            _ = scanner.skip(" ")
            guard let offsetMinutes = scanner.zoneOffsetMinutes() else { return nil }
            millis -= Int64(offsetMinutes) * 60_000
        }
        return scanner.isAtEnd ? millis : nil
    }

    /// Days since the epoch from `yyyy-mm-dd`.
    static func days(_ text: String) -> Int32? {
        var scanner = Scanner(text)
        guard let days = scanner.date(), scanner.isAtEnd else { return nil }
        return Int32(exactly: days)
    }

    /// Nanoseconds since midnight from `hh:mm:ss[.fffffffff]`.
    static func nanosOfDay(_ text: String) -> Int64? {
        var scanner = Scanner(text)
        guard let nanos = scanner.timeOfDay(requireSeconds: true), scanner.isAtEnd else { return nil }
        return nanos
    }

    /// A cursor over ASCII text for the date and time forms.
    struct Scanner {
        let bytes: [UInt8]
        var offset = 0

        init(_ text: String) { bytes = Array(text.utf8) }

        var isAtEnd: Bool { offset == bytes.count }

        mutating func skip(_ character: Character) -> Bool {
            guard offset < bytes.count, bytes[offset] == character.asciiValue else { return false }
            offset += 1
            return true
        }

        /// Exactly `count` digits (or, with `upTo`, between 1 and `count`).
        mutating func number(_ count: Int, upTo: Bool = false) -> (value: Int64, digits: Int)? {
            var value: Int64 = 0
            var digits = 0
            while digits < count, offset < bytes.count, bytes[offset] >= 48, bytes[offset] <= 57 {
                value = value * 10 + Int64(bytes[offset] - 48)
                offset += 1
                digits += 1
            }
            guard digits == count || (upTo && digits > 0) else { return nil }
            return (value, digits)
        }

        mutating func date() -> Int64? {
            let negative = skip("-")
            guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
                  (1...12).contains(month.value), (1...31).contains(day.value) else { return nil }
            return Self.daysFromCivil(year: negative ? -year.value : year.value, month: month.value, day: day.value)
        }

        mutating func timeOfDay(requireSeconds: Bool) -> Int64? {
            guard let hours = number(2), skip(":"), let minutes = number(2), hours.value < 24, minutes.value < 60 else { return nil }
            var nanos = (hours.value * 60 + minutes.value) * 60 * 1_000_000_000
            if skip(":") {
                guard let seconds = number(2), seconds.value < 60 else { return nil }
                nanos += seconds.value * 1_000_000_000
                if skip(".") {
                    guard let fraction = number(9, upTo: true) else { return nil }
                    var scaled = fraction.value
                    for _ in fraction.digits..<9 { scaled *= 10 }
                    nanos += scaled
                }
            } else if requireSeconds {
                return nil
            }
            return nanos
        }

        mutating func zoneOffsetMinutes() -> Int? {
            if skip("Z") { return 0 }
            let sign: Int
            if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
            guard let hours = number(2) else { return nil }
            _ = skip(":")
            let minutes = number(2)?.value ?? 0
            return sign * Int(hours.value * 60 + minutes)
        }

        /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
        static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }
    }
}
