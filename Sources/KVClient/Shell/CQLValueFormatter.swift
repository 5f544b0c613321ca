import Foundation
import KVCore

/// Formats values the way cqlsh prints them: text unquoted at the top level and quoted
/// inside collections, `True`/`False`, uuids, `2024-01-02 03:04:05.000000+0000` timestamps
/// (UTC), `0x...` blobs, `[1, 2]` lists, `{1, 2}` sets, `{'a': 1}` maps, `(1, 'a')` tuples,
/// `{field: value}` UDTs, floats with 5 significant digits, and `null` for null.
public enum CQLValueFormatter {
    /// Significant digits of `float` and `double` values (cqlsh's default precision).
    public static let floatingPointPrecision = 5

    /// The text of one cell. `type` gives UDT field names; without it fields are numbered.
    public static func format(_ value: CQLValue?, type: CQLDataType? = nil) -> String {
        guard let value else { return "null" }
        return format(value, type: type?.unfrozen, nested: false)
    }

    private static func format(_ value: CQLValue, type: CQLDataType?, nested: Bool) -> String {
        switch value {
        case .ascii(let text), .text(let text): return nested ? quote(text) : text
        case .list(let elements): return "[" + elements.map { inner($0, type.elementType(at: 0)) }.joined(separator: ", ") + "]"
        case .set(let elements): return "{" + elements.map { inner($0, type.elementType(at: 0)) }.joined(separator: ", ") + "}"
        case .map(let entries):
            let keyType = type.elementType(at: 0), valueType = type.elementType(at: 1)
            return "{" + entries.map { inner($0.key, keyType) + ": " + inner($0.value, valueType) }
                .joined(separator: ", ") + "}"
        case .tuple(let fields):
            return "(" + fields.enumerated().map { innerOptional($0.element, type.elementType(at: $0.offset)) }
                .joined(separator: ", ") + ")"
        case .udt(let fields): return formatUDT(fields, type: type)
        default: return formatScalar(value)
        }
    }

    private static func inner(_ value: CQLValue, _ type: CQLDataType?) -> String {
        format(value, type: type?.unfrozen, nested: true)
    }

    private static func innerOptional(_ value: CQLValue?, _ type: CQLDataType?) -> String {
        value.map { inner($0, type) } ?? "null"
    }

    private static func formatUDT(_ fields: [CQLValue?], type: CQLDataType?) -> String {
        var declared: [CQLUDTField] = []
        if case .udt(_, _, let list) = type { declared = list }
        let parts = fields.enumerated().map { index, field -> String in
            let name = index < declared.count ? declared[index].name : "field\(index)"
            return name + ": " + innerOptional(field, index < declared.count ? declared[index].type : nil)
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    private static func formatScalar(_ value: CQLValue) -> String {
        if let integer = CQLValueText.integer(value) { return integer }
        switch value {
        case .boolean(let flag): return flag ? "True" : "False"
        case .blob(let bytes): return "0x" + CQLValueText.hex(bytes)
        case .uuid(let id), .timeuuid(let id): return CQLValueText.uuid(id)
        case .inet(let bytes): return InetFormatting.string(bytes) ?? "0x" + CQLValueText.hex(bytes)
        case .decimal(let number): return CQLValueText.decimal(number)
        case .double(let number): return floatingPoint(number)
        case .float(let number): return floatingPoint(Double(number))
        case .timestamp(let milliseconds): return CalendarFormatting.timestamp(milliseconds: milliseconds)
        case .date(let days): return CalendarFormatting.date(days: Int64(days))
        case .time(let nanoseconds): return CalendarFormatting.time(nanoseconds: nanoseconds)
        case .duration(let duration): return CQLValueText.duration(duration)
        default: return "?"
        }
    }

    /// `'text'` with inner quotes doubled.
    static func quote(_ text: String) -> String { "'" + text.replacingAll("'", with: "''") + "'" }

    /// cqlsh's rule: `%.*g` with the precision widened by the integer digits, so numbers
    /// below 10^precision print without an exponent.
    static func floatingPoint(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        var precision = floatingPointPrecision
        let magnitude = abs(number)
        if magnitude > Double.ulpOfOne {
            let exponent = Int(log10(magnitude).rounded(.towardZero))
            if exponent >= -4 && exponent < precision { precision += exponent + 1 }
        }
        return String(format: "%.*g", precision, number)
    }

}
