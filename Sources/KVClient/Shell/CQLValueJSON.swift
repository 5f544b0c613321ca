import KVCore

/// Writes values as JSON in their natural form, for exports: integers, decimals and finite
/// floating-point numbers bare (exact, not cqlsh's 5 digits), booleans, text as strings,
/// lists, sets and tuples as arrays, maps and UDTs as objects (a map key that is not text
/// becomes the string of its JSON), null as `null`. Every other type — timestamps, dates,
/// times, uuids, inets, durations, blobs — is the string `CQLValueFormatter` prints for it,
/// so a CSV and a JSON export of the same rows say the same thing.
public enum CQLValueJSON {
    /// The JSON of one value of `type` (nil is `null`). `type` gives UDT field names.
    public static func json(_ value: CQLValue?, type: CQLDataType? = nil) -> String {
        guard let value else { return "null" }
        switch value {
        case .ascii(let text), .text(let text): return quoted(text)
        case .list(let elements), .set(let elements):
            return "[" + elements.map { json($0, type: type.elementType(at: 0)) }.joined(separator: ",") + "]"
        case .tuple(let fields):
            return "[" + fields.enumerated().map { json($0.element, type: type.elementType(at: $0.offset)) }
                .joined(separator: ",") + "]"
        case .map(let entries):
            let keyType = type.elementType(at: 0), valueType = type.elementType(at: 1)
            return "{" + entries.map { objectKey(json($0.key, type: keyType)) + ":" + json($0.value, type: valueType) }
                .joined(separator: ",") + "}"
        case .udt(let fields): return udt(fields, type: type)
        default: return scalar(value, type: type)
        }
    }

    /// A JSON object of `names` and their already-written JSON `values`, in order.
    public static func object(names: [String], values: [String]) -> String {
        "{" + zip(names, values).map { quoted($0) + ":" + $1 }.joined(separator: ",") + "}"
    }

    /// `text` as a JSON string.
    public static func quoted(_ text: String) -> String { JSONText.quoted(text) }

    private static func objectKey(_ json: String) -> String {
        json.hasPrefix("\"") ? json : quoted(json)
    }

    private static func udt(_ fields: [CQLValue?], type: CQLDataType?) -> String {
        var declared: [CQLUDTField] = []
        if case .udt(_, _, let list) = type?.unfrozen { declared = list }
        let names = fields.indices.map { $0 < declared.count ? declared[$0].name : "field\($0)" }
        let values = fields.enumerated().map { json($0.element, type: $0.offset < declared.count ? declared[$0.offset].type : nil) }
        return object(names: names, values: values)
    }

    private static func scalar(_ value: CQLValue, type: CQLDataType?) -> String {
        if let integer = CQLValueText.integer(value) { return integer }
        switch value {
        case .boolean(let flag): return flag ? "true" : "false"
        case .decimal(let number): return CQLValueText.decimal(number)
        case .double(let number): return floatingPoint(number)
        case .float(let number): return floatingPoint(number)
        default: return quoted(CQLValueFormatter.format(value, type: type))
        }
    }

    /// Finite numbers bare; NaN and the infinities as strings, which JSON has no number for.
    static func floatingPoint<Number: BinaryFloatingPoint & LosslessStringConvertible>(_ number: Number) -> String {
        number.isFinite ? floatingPointText(number) : quoted(floatingPointText(number))
    }

    /// The shortest text that reads back as exactly `number` (`0.1`, `1e+20`), or `NaN`,
    /// `Infinity`, `-Infinity`.
    public static func floatingPointText<Number: BinaryFloatingPoint & LosslessStringConvertible>(
        _ number: Number) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        return number.description
    }
}
