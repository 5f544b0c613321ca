/// UTC calendar text for CQL's time types, with no time-zone database: the proleptic
/// Gregorian calendar by Howard Hinnant's days-from-civil algorithm.
public enum CalendarFormatting {
    /// `2024-01-02 03:04:05.000000+0000` (cqlsh's timestamp format: microsecond digits, UTC).
    public static func timestamp(milliseconds: Int64) -> String {
        let (days, remainder) = floorDivide(milliseconds, 86_400_000)
        let seconds = remainder / 1000
        let fraction = remainder % 1000
        return date(days: days) + " " + twoDigits(seconds / 3600) + ":" + twoDigits(seconds / 60 % 60) + ":"
            + twoDigits(seconds % 60) + "." + padded(fraction, width: 3) + "000+0000"
    }

    /// `2024-01-02` for days since 1970-01-01.
    public static func date(days: Int64) -> String {
        let (year, month, day) = civil(fromDays: days)
        let yearText = year < 0 ? "-" + padded(-year, width: 4) : padded(year, width: 4)
        return yearText + "-" + twoDigits(month) + "-" + twoDigits(day)
    }

    /// `03:04:05.123456789` for nanoseconds since midnight.
    public static func time(nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        return twoDigits(seconds / 3600) + ":" + twoDigits(seconds / 60 % 60) + ":" + twoDigits(seconds % 60)
            + "." + padded(nanoseconds % 1_000_000_000, width: 9)
    }

    /// (year, month 1-12, day 1-31) of days since 1970-01-01.
    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097).0
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    private static func twoDigits(_ value: Int64) -> String { padded(value, width: 2) }

    private static func padded(_ value: Int64, width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
