import CQL
import KVCore

/// `CAST(c AS type)` as Cassandra defines it: between the numeric types (an integer target
/// truncates toward zero), from any type to `text` or `ascii`, between `timestamp` and
/// `date`, and from `timeuuid` to either.
enum CastConversion {
    static func check(from source: CQLDataType, to target: CQLDataType, column: String) throws(ErrorResponse) {
        guard isAllowed(from: source.unfrozen, to: target.unfrozen) else {
            throw ErrorResponse(.invalid, message: "\(source) cannot be cast to \(target)")
        }
    }

    private static func isAllowed(from source: CQLDataType, to target: CQLDataType) -> Bool {
        if source == target || target == .text || target == .ascii { return true }
        if isNumeric(source) && isNumeric(target) && target != .counter { return true }
        switch (source, target) {
        case (.timestamp, .date), (.date, .timestamp), (.timeuuid, .timestamp), (.timeuuid, .date): return true
        default: return false
        }
    }

    /// The serialized cast of a serialized value; nil for null or a value the target cannot
    /// hold (an out-of-range integer part, non-ASCII text for `ascii`).
    static func convert(_ bytes: [UInt8]?, from source: CQLDataType, to target: CQLDataType) -> [UInt8]? {
        guard let bytes, let value = try? CQLValue.deserialize(bytes, as: source) else { return nil }
        guard let converted = convert(value, from: source.unfrozen, to: target.unfrozen) else { return nil }
        return try? converted.serialize(as: target)
    }

    private static func convert(_ value: CQLValue, from source: CQLDataType, to target: CQLDataType) -> CQLValue? {
        if source == target { return value }
        switch target {
        case .text: return .text(text(value, type: source))
        case .ascii:
            let text = text(value, type: source)
            return text.unicodeScalars.allSatisfy(\.isASCII) ? .ascii(text) : nil
        case .timestamp, .date: return calendar(value, to: target)
        default: return numeric(value, to: target)
        }
    }

    private static func calendar(_ value: CQLValue, to target: CQLDataType) -> CQLValue? {
        let milliseconds: Int64
        switch value {
        case .timestamp(let ms): milliseconds = ms
        case .date(let days): milliseconds = Int64(days) * 86_400_000
        case .timeuuid(let id):
            let ticks = Int64(bitPattern: id.reorderedTimestamp & 0x0FFF_FFFF_FFFF_FFFF) - Int64(UUIDGenerator.gregorianOffset)
            milliseconds = ticks / 10_000
        default: return nil
        }
        if target == .timestamp { return .timestamp(milliseconds) }
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        return Int32(exactly: days).map { .date($0) }
    }

    /// Through decimal text: exact for integers, decimals and varints; an integer target
    /// takes the integer part.
    private static func numeric(_ value: CQLValue, to target: CQLDataType) -> CQLValue? {
        var text: String
        if let integer = CQLValueText.integer(value) {
            text = integer
        } else {
            switch value {
            case .decimal(let n): text = CQLValueText.decimal(n)
            case .double(let n): text = n.isFinite ? "\(n)" : ""
            case .float(let n): text = n.isFinite ? "\(Double(n))" : ""
            default: return nil
            }
        }
        if isIntegral(target), let point = text.firstIndex(where: { !$0.isNumber && $0 != "-" }) {
            switch value {
            case .double, .float:
                // Swift may print an exponent: truncate the number itself.
                guard let number = Double(text), abs(number) < 9.2e18 else { return nil }
                text = String(Int64(number.rounded(.towardZero)))
            default:
                text = String(text[..<point])  // a decimal's plain notation
            }
        }
        switch target {
        case .tinyint: return Int8(text).map(CQLValue.tinyint)
        case .smallint: return Int16(text).map(CQLValue.smallint)
        case .int: return Int32(text).map(CQLValue.int)
        case .bigint: return Int64(text).map(CQLValue.bigint)
        case .varint: return CQLVarint(decimalText: text).map(CQLValue.varint)
        case .decimal: return CQLDecimal(decimalText: text).map(CQLValue.decimal)
        case .double: return Double(text).map(CQLValue.double)
        case .float: return Float(text).map(CQLValue.float)
        default: return nil
        }
    }

    /// Plain text of a value: JSON forms without the quotes for scalars.
    private static func text(_ value: CQLValue, type: CQLDataType) -> String {
        switch value {
        case .text(let text), .ascii(let text): return text
        case .timestamp(let ms):
            let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
            let time = CalendarFormatting.time(nanoseconds: (ms - days * 86_400_000) * 1_000_000)
            return CalendarFormatting.date(days: days) + "T" + time.prefix(12) + "Z"
        default:
            // Scalars' JSON strings hold no escapes; collections stay JSON.
            let json = JSONFormatting.json(try? value.serialize(as: type), type: type)
            return json.hasPrefix("\"") && json.hasSuffix("\"") ? String(json.dropFirst().dropLast()) : json
        }
    }

    private static func isNumeric(_ type: CQLDataType) -> Bool {
        isIntegral(type) || type == .float || type == .double || type == .decimal || type == .counter
    }

    private static func isIntegral(_ type: CQLDataType) -> Bool {
        switch type {
        case .tinyint, .smallint, .int, .bigint, .varint, .counter: true
        default: false
        }
    }
}
