import KVCore

/// `SELECT JSON`: each value in the JSON form Cassandra's codecs give it — numbers bare,
/// text, dates, uuids, inets, durations and `0x` blobs as strings, timestamps as
/// `2026-07-01 12:00:00.000Z`, collections and tuples as arrays, maps and UDTs as objects
/// (a map key that is not text becomes the string of its JSON).
enum JSONFormatting {
    /// The JSON of one serialized value of `type` (nil is `null`).
    static func json(_ bytes: [UInt8]?, type: CQLDataType) -> String {
        guard let bytes else { return "null" }
        guard let value = try? CQLValue.deserialize(bytes, as: type) else { return quoted("0x" + CQLValueText.hex(bytes)) }
        return json(value, type: type.unfrozen)
    }

    /// A JSON object of named values, in order; names needing quotes in CQL keep them.
    static func object(names: [String], values: [String]) -> String {
        "{" + zip(names, values).map { quoted(cqlName($0)) + ": " + $1 }.joined(separator: ", ") + "}"
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }

    private static func cqlName(_ name: String) -> String {
        let plain = name.first.map { $0.isLowercase && $0.isASCII } == true
            && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
        return plain ? name : "\"" + String(name.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }

    private static func json(_ value: CQLValue?, type: CQLDataType?) -> String {
        guard let value else { return "null" }
        let type = type?.unfrozen
        switch value {
        case .ascii(let text), .text(let text): return quoted(text)
        case .list(let elements), .set(let elements):
            return "[" + elements.map { json($0, type: elementType(type, 0)) }.joined(separator: ", ") + "]"
        case .map(let entries):
            let keyType = elementType(type, 0), valueType = elementType(type, 1)
            return "{" + entries.map { mapKey($0.key, type: keyType) + ": " + json($0.value, type: valueType) }
                .joined(separator: ", ") + "}"
        case .tuple(let fields):
            return "[" + fields.enumerated().map { json($0.element, type: elementType(type, $0.offset)) }
                .joined(separator: ", ") + "]"
        case .udt(let fields):
            guard case .udt(_, _, let declared) = type else { return "null" }
            let names = declared.prefix(fields.count).map(\.name)
            let values = zip(fields, declared).map { json($0, type: $1.type) }
            return object(names: names, values: values)
        default:
            return scalar(value)
        }
    }

    private static func mapKey(_ key: CQLValue, type: CQLDataType?) -> String {
        let text = json(key, type: type)
        return text.hasPrefix("\"") ? text : quoted(text)
    }

    private static func scalar(_ value: CQLValue) -> String {
        if let integer = CQLValueText.integer(value) { return integer }
        switch value {
        case .decimal(let number): return CQLValueText.decimal(number)
        case .double(let number): return floatingPoint(number)
        case .float(let number): return floatingPoint(Double(number))
        case .boolean(let flag): return flag ? "true" : "false"
        case .blob(let bytes): return quoted("0x" + CQLValueText.hex(bytes))
        case .uuid(let id), .timeuuid(let id): return quoted(CQLValueText.uuid(id))
        case .inet(let bytes): return quoted(InetFormatting.string(bytes) ?? "0x" + CQLValueText.hex(bytes))
        case .timestamp(let milliseconds): return quoted(timestamp(milliseconds))
        case .date(let days): return quoted(CalendarFormatting.date(days: Int64(days)))
        case .time(let nanoseconds): return quoted(CalendarFormatting.time(nanoseconds: nanoseconds))
        case .duration(let duration): return quoted(CQLValueText.duration(duration))
        default: return "null"
        }
    }

    /// Finite numbers bare; NaN and the infinities as strings, which JSON has no number for.
    private static func floatingPoint(_ number: Double) -> String {
        if number.isNaN { return quoted("NaN") }
        if number.isInfinite { return quoted(number > 0 ? "Infinity" : "-Infinity") }
        return "\(number)"
    }

    /// `yyyy-MM-dd HH:mm:ss.SSSZ` in UTC, Cassandra's JSON timestamp form.
    private static func timestamp(_ milliseconds: Int64) -> String {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let withinDay = milliseconds - days * 86_400_000
        let time = CalendarFormatting.time(nanoseconds: withinDay * 1_000_000)
        return CalendarFormatting.date(days: days) + " " + time.prefix(12) + "Z"
    }

    private static func elementType(_ type: CQLDataType?, _ position: Int) -> CQLDataType? {
        switch type?.unfrozen {
        case .list(let element), .set(let element): return element
        case .map(let key, let value): return position == 0 ? key : value
        case .tuple(let elements): return position < elements.count ? elements[position] : nil
        default: return nil
        }
    }
}
