import CQL
import KVCore

/// What one side of a key relation compares with: one column's value, or the values of a
/// multi-column relation `(a, b) > (x, y)` — element by element (`(?, 1)`) or as one bound
/// tuple (`?`).
enum ComparedValues: Sendable {
    case single(Operand)
    case elements([Operand])
    case tuple(Operand, types: [CQLDataType])

    /// The serialized values, one per column; nulls are refused.
    func resolve(_ bindings: Bindings, what: String) throws(ErrorResponse) -> [[UInt8]] {
        switch self {
        case .single(let operand):
            return [try bindings.required(operand, what: what)]
        case .elements(let operands):
            var values: [[UInt8]] = []
            for operand in operands { values.append(try bindings.required(operand, what: what)) }
            return values
        case let .tuple(operand, types):
            let bytes = try bindings.required(operand, what: what)
            guard case .tuple(let fields)? = try? CQLValue.deserialize(bytes, as: .tuple(types)), fields.count == types.count else {
                throw ErrorResponse(.invalid, message: "Invalid tuple value for \(what)")
            }
            var values: [[UInt8]] = []
            for (field, type) in zip(fields, types) {
                guard let field, let serialized = try? field.serialize(as: type) else {
                    throw ErrorResponse(.invalid, message: "Invalid null value in tuple for \(what)")
                }
                values.append(serialized)
            }
            return values
        }
    }

    /// The values of a multi-column relation's right side for `columns`.
    static func analyze(_ term: CQLTerm, columns: [SchemaColumn],
                        analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> ComparedValues {
        let names = "(" + columns.map(\.name).joined(separator: ",") + ")"
        switch term {
        case .tuple(let elements):
            guard elements.count == columns.count else {
                throw ErrorResponse(.invalid, message: "Expected \(columns.count) elements in value tuple, but got \(elements.count): \(term)")
            }
            var operands: [Operand] = []
            for (element, column) in zip(elements, columns) {
                operands.append(try analyzer.operand(element, type: column.type, name: column.name))
            }
            return .elements(operands)
        case .bindMarker, .namedBindMarker:
            let types = columns.map(\.type)
            return .tuple(try analyzer.operand(term, type: .tuple(types), name: names), types: types)
        default:
            throw ErrorResponse(.invalid, message: "Multi-column relation \(names) needs a tuple of values")
        }
    }
}
