import KVCore

/// Literal values of a statement converted to the type of the column they are for, as
/// Cassandra converts them (an integer literal for a `double` column, a string for an
/// `inet` or a `timestamp`, `now()` for a `timeuuid`).
extension CQLTerm {
    /// The value of this term for a column of `type`; nil for `NULL`. Bind markers are not
    /// literals: the caller binds them first.
    public func value(as type: CQLDataType, context: TermContext) throws(CQLTermError) -> CQLValue? {
        switch (self, type.unfrozen) {
        case (.null, _): return nil
        case (.bindMarker, _), (.namedBindMarker, _):
            throw CQLTermError("bind marker without a bound value")
        case (.functionCall(let name, let arguments), _):
            return try Self.call(name.name.lowercased(), arguments, as: type, context: context)
        case (.string(let text), .text): return .text(text)
        case (.string(let text), .ascii):
            guard text.unicodeScalars.allSatisfy(\.isASCII) else { throw CQLTermError("Invalid ASCII character in string literal") }
            return .ascii(text)
        case (.string(let text), .inet):
            guard let bytes = CQLTextValues.inet(text) else { throw CQLTermError("Unable to make inet address from '\(text)'") }
            return .inet(bytes)
        case (.string(let text), .timestamp):
            guard let millis = CQLTextValues.timestampMillis(text) else { throw CQLTermError("Unable to parse a date/time from '\(text)'") }
            return .timestamp(millis)
        case (.string(let text), .date):
            guard let days = CQLTextValues.days(text) else { throw CQLTermError("Unable to coerce '\(text)' to a formatted date (long)") }
            return .date(days)
        case (.string(let text), .time):
            guard let nanos = CQLTextValues.nanosOfDay(text) else { throw CQLTermError("Unable to coerce '\(text)' to a formatted time (long)") }
            return .time(nanos)
        case (.integer(let text), _), (.float(let text), _):
            return try Self.number(text, as: type.unfrozen)
        case (.boolean(let value), .boolean): return .boolean(value)
        case (.uuid(let text), .uuid):
            guard let uuid = CQLTextValues.uuid(text) else { throw CQLTermError("Invalid UUID '\(text)'") }
            return .uuid(uuid)
        case (.uuid(let text), .timeuuid):
            guard let uuid = CQLTextValues.uuid(text), uuid.version == 1 else {
                throw CQLTermError("Invalid version for TimeUUID type.")
            }
            return .timeuuid(uuid)
        case (.blob(let hex), .blob):
            guard let bytes = CQLTextValues.hex(hex) else { throw CQLTermError("Invalid blob literal 0x\(hex)") }
            return .blob(bytes)
        case (.list(let elements), .list(let element)), (.list(let elements), .set(let element)):
            let values = try elements.map { term throws(CQLTermError) in try Self.required(term, as: element, context: context) }
            if case .set = type.unfrozen { return .set(values) }
            return .list(values)
        case (.set(let elements), .set(let element)):
            return .set(try elements.map { term throws(CQLTermError) in try Self.required(term, as: element, context: context) })
        case (.map(let entries), .map(let keyType, let valueType)):
            return .map(try entries.map { entry throws(CQLTermError) in
                KVCore.CQLMapEntry(key: try Self.required(entry.key, as: keyType, context: context),
                            value: try Self.required(entry.value, as: valueType, context: context))
            })
        case (.map(let entries), .set) where entries.isEmpty, (.map(let entries), .list) where entries.isEmpty:
            return type.unfrozen.isSet ? .set([]) : .list([])
        case (.set(let elements), .map) where elements.isEmpty:
            return .map([])
        case (.tuple(let elements), .tuple(let types)):
            guard elements.count <= types.count else {
                throw CQLTermError("Invalid tuple literal: too many elements. Type \(type) expects \(types.count) but got \(elements.count)")
            }
            // Missing trailing elements are null, as in Cassandra.
            var values = try zip(elements, types).map { pair throws(CQLTermError) in try pair.0.value(as: pair.1, context: context) }
            values += Array(repeating: nil, count: types.count - values.count)
            return .tuple(values)
        case (.userType(let fields), .udt(_, let name, let declared)):
            return try Self.userType(fields, name: name, declared: declared, context: context)
        case (.duration(let text), .duration):
            guard let duration = CQLTextValues.duration(text) else { throw CQLTermError("Unable to convert '\(text)' to a duration") }
            return .duration(duration)
        default:
            throw CQLTermError("Invalid \(kindName) constant (\(literalText)) for type \(type)")
        }
    }

    /// A UDT literal by field name, in declaration order; fields left out are null, as in
    /// Cassandra, and a name the type does not declare is refused with Cassandra's message.
    private static func userType(_ fields: [CQLFieldValue], name: String, declared: [CQLUDTField],
                                 context: TermContext) throws(CQLTermError) -> CQLValue {
        var values = [CQLValue?](repeating: nil, count: declared.count)
        var seen = Set<String>()
        for field in fields {
            guard let index = declared.firstIndex(where: { $0.name == field.field }) else {
                throw CQLTermError("Unknown field '\(field.field)' in value of user defined type \(name)")
            }
            guard seen.insert(field.field).inserted else {
                throw CQLTermError("Invalid user type literal: field \(field.field) is given twice")
            }
            values[index] = try field.value.value(as: declared[index].type, context: context)
        }
        return .udt(values)
    }

    private static func required(_ term: CQLTerm, as type: CQLDataType, context: TermContext) throws(CQLTermError) -> CQLValue {
        guard let value = try term.value(as: type, context: context) else {
            throw CQLTermError("null is not supported inside collections")
        }
        return value
    }

    private static func number(_ text: String, as type: CQLDataType) throws(CQLTermError) -> CQLValue {
        let mismatch = CQLTermError("Invalid number constant (\(text)) for type \(type)")
        switch type {
        case .tinyint: guard let v = Int8(text) else { throw mismatch }; return .tinyint(v)
        case .smallint: guard let v = Int16(text) else { throw mismatch }; return .smallint(v)
        case .int: guard let v = Int32(text) else { throw mismatch }; return .int(v)
        case .bigint: guard let v = Int64(text) else { throw mismatch }; return .bigint(v)
        case .counter: guard let v = Int64(text) else { throw mismatch }; return .counter(v)
        case .timestamp: guard let v = Int64(text) else { throw mismatch }; return .timestamp(v)
        case .time: guard let v = Int64(text), v >= 0, v < CQLValue.nanosecondsPerDay else { throw mismatch }; return .time(v)
        case .varint: guard let v = CQLVarint(decimalText: text) else { throw mismatch }; return .varint(v)
        case .decimal: guard let v = CQLDecimal(decimalText: text) else { throw mismatch }; return .decimal(v)
        case .double: guard let v = Double(text) else { throw mismatch }; return .double(v)
        case .float: guard let v = Float(text) else { throw mismatch }; return .float(v)
        default: throw mismatch
        }
    }

    private static func call(_ name: String, _ arguments: [CQLTerm], as type: CQLDataType,
                             context: TermContext) throws(CQLTermError) -> CQLValue {
        switch (name, arguments.count, type.unfrozen) {
        case ("now", 0, .timeuuid): return .timeuuid(context.timeUUID())
        case ("uuid", 0, .uuid): return .uuid(context.randomUUID())
        case ("currenttimestamp", 0, .timestamp), ("totimestamp", 1, .timestamp):
            return .timestamp(context.nowMicros / 1000)
        case ("currentdate", 0, .date), ("todate", 1, .date):
            return .date(Int32(context.nowMicros / 1000 / 86_400_000))
        case ("totimestamp", 1, _), ("todate", 1, _), ("now", 0, _), ("uuid", 0, _), ("currenttimestamp", 0, _):
            throw CQLTermError("Type error: cannot assign result of function \(name) to a column of type \(type)")
        default:
            throw CQLTermError("Unknown function \(name) called with \(arguments.count) argument(s)")
        }
    }

    private var kindName: String {
        switch self {
        case .string: "STRING"
        case .integer, .float: "number"
        case .boolean: "BOOLEAN"
        case .uuid: "UUID"
        case .blob: "HEX"
        case .duration: "DURATION"
        case .list: "list"
        case .set: "set"
        case .map: "map"
        case .tuple: "tuple"
        case .userType: "user type"
        default: "literal"
        }
    }

    private var literalText: String {
        switch self {
        case .string(let text): text
        case .integer(let text), .float(let text), .duration(let text): text
        case .boolean(let value): String(value)
        case .uuid(let text): text
        case .blob(let hex): "0x" + hex
        default: "…"
        }
    }
}

/// What non-constant functions in literals need: the statement's time and fresh UUIDs.
public struct TermContext: Sendable {
    public var nowMicros: Int64
    public var timeUUID: @Sendable () -> CQLUUID
    public var randomUUID: @Sendable () -> CQLUUID

    public init(nowMicros: Int64, timeUUID: @escaping @Sendable () -> CQLUUID,
                randomUUID: @escaping @Sendable () -> CQLUUID) {
        self.nowMicros = nowMicros
        self.timeUUID = timeUUID
        self.randomUUID = randomUUID
    }
}

extension CQLDataType {
    var isSet: Bool {
        if case .set = self { return true }
        return false
    }
}
