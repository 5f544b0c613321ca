import CQL
import KVCore

/// A value in an analysed statement: a constant converted at analysis, a literal that must
/// be evaluated per execution (`now()`), or a bind marker filled from the request.
enum Operand: Sendable {
    case constant([UInt8]?)
    case perExecution(CQLTerm, CQLDataType)
    case marker(index: Int, type: CQLDataType)
    /// A collection, tuple or UDT literal with markers inside, the first numbered
    /// `firstMarker` (see `NestedMarkers`).
    case nested(CQLTerm, CQLDataType, firstMarker: Int)
}

/// Outcome of resolving an operand: a value (nil is null), or "unset" (a v4 `notSet`
/// bound value: leave the column alone).
enum ResolvedValue: Sendable {
    case value([UInt8]?)
    case unset
}

/// The bound values of one execution, with the time and UUID sources of its functions.
struct Bindings: Sendable {
    var values: [ProtocolValue]
    var context: TermContext

    func resolve(_ operand: Operand) throws(ErrorResponse) -> ResolvedValue {
        switch operand {
        case .constant(let bytes): return .value(bytes)
        case let .perExecution(term, type):
            return .value(try serialize(term, as: type, context: context))
        case let .nested(term, type, firstMarker):
            var next = firstMarker
            guard let value = try NestedMarkers.value(term, type: type, values: values, next: &next, context: context) else {
                return .value(nil)
            }
            do {
                return .value(try value.serialize(as: type))
            } catch {
                throw ErrorResponse(.invalid, message: "\(error)")
            }
        case let .marker(index, type):
            guard index < values.count else {
                throw ErrorResponse(.invalid, message: "There were \(values.count) markers(?) in CQL but \(index + 1) or more values are needed")
            }
            switch values[index] {
            case .null: return .value(nil)
            case .notSet: return .unset
            case .bytes(let bytes):
                do {
                    try CQLValue.validate(bytes, as: type)
                } catch {
                    throw ErrorResponse(.invalid, message: "Invalid value for bind marker \(index) of type \(type): \(error)")
                }
                return .value(bytes)
            }
        }
    }

    /// Whether `resolve(operand)` is `.unset`, found without resolving: only a marker bound
    /// to `notSet` is.
    func isUnset(_ operand: Operand) -> Bool {
        guard case .marker(let index, _) = operand, index < values.count, case .notSet = values[index] else { return false }
        return true
    }

    /// A value that must be present and not null (keys, LIMIT).
    /// `what` names the value in errors; built only then (it is interpolated).
    func required(_ operand: Operand, what: @autoclosure () -> String) throws(ErrorResponse) -> [UInt8] {
        switch try resolve(operand) {
        case .value(let bytes?): return bytes
        case .value(nil): throw ErrorResponse(.invalid, message: "Invalid null value for \(what())")
        case .unset: throw ErrorResponse(.invalid, message: "Invalid unset value for \(what())")
        }
    }

    /// An optional integer (TTL, timestamp, LIMIT); nil when absent, null or unset.
    func integer(_ operand: Operand?, what: String) throws(ErrorResponse) -> Int64? {
        guard let operand, case .value(let bytes?) = try resolve(operand) else { return nil }
        guard bytes.count == 4 || bytes.count == 8 else { throw ErrorResponse(.invalid, message: "Invalid value for \(what)") }
        let raw = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return bytes.count == 4 ? Int64(Int32(truncatingIfNeeded: raw)) : Int64(bitPattern: raw)
    }
}

/// Turns the terms of a statement into operands, numbering bind markers in the order they
/// appear and recording what each is for (the PREPARED result's bind metadata).
struct OperandAnalyzer {
    private(set) var markers: [ColumnSpecification] = []
    private let context: TermContext
    private let keyspace: String
    private let table: String

    init(layout: TableLayout, context: TermContext) {
        self.keyspace = layout.keyspace
        self.table = layout.name
        self.context = context
    }

    /// The operand for `term` assigned to a value of `type` named `name` in bind metadata.
    mutating func operand(_ term: CQLTerm, type: CQLDataType, name: String) throws(ErrorResponse) -> Operand {
        switch term {
        case .bindMarker, .namedBindMarker:
            let markerName: String
            if case .namedBindMarker(let given) = term { markerName = given } else { markerName = name }
            markers.append(ColumnSpecification(keyspace: keyspace, table: table, name: markerName, type: DataTypeOption(type)))
            return .marker(index: markers.count - 1, type: type)
        case .functionCall:
            return .perExecution(term, type)
        default:
            let inner = NestedMarkers.specifications(term, type: type, name: name)
            guard inner.isEmpty else {
                let first = markers.count
                markers += inner.map {
                    ColumnSpecification(keyspace: keyspace, table: table, name: $0.name, type: DataTypeOption($0.type))
                }
                return .nested(term, type, firstMarker: first)
            }
            return .constant(try serialize(term, as: type, context: context))
        }
    }

    /// Operands for `IN (...)` or `IN ?` (a marker for a list of the column's type).
    mutating func operands(in terms: [CQLTerm], type: CQLDataType, name: String) throws(ErrorResponse) -> [Operand] {
        var result: [Operand] = []
        for term in terms { result.append(try operand(term, type: type, name: name)) }
        return result
    }
}

/// A literal's serialized value for a column of `type` (nil for NULL).
func serialize(_ term: CQLTerm, as type: CQLDataType, context: TermContext) throws(ErrorResponse) -> [UInt8]? {
    let value: CQLValue?
    do {
        value = try term.value(as: type, context: context)
    } catch {
        throw ErrorResponse(.invalid, message: error.description)
    }
    guard let value else { return nil }
    do {
        return try value.serialize(as: type)
    } catch {
        throw ErrorResponse(.invalid, message: "\(error)")
    }
}
