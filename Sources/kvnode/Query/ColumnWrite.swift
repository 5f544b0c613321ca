import CQL
import KVCore

/// One write to a column in an INSERT, UPDATE or DELETE: a whole value, or an operation on
/// the elements of a non-frozen collection.
struct ColumnWrite: Sendable {
    enum Operation: Sendable {
        /// `c = v` (nil deletes). A non-frozen collection is replaced: its old elements are
        /// deleted one microsecond before the new ones are written.
        case set(Operand)
        /// `m[k] = v` or `l[i] = v`.
        case setElement(key: Operand, value: Operand)
        /// `m = m + {...}`, `s = s + {...}`, `l = l + [...]`.
        case add(Operand)
        /// `l = [...] + l`.
        case prepend(Operand)
        /// `m = m - {keys}`, `s = s - {...}`, `l = l - [...]` (removes every equal element).
        case subtract(Operand)
        /// `DELETE c` (the whole column).
        case delete
        /// `DELETE m[k]`, `DELETE s[e]`, `DELETE l[i]`.
        case deleteElement(Operand)
        /// `a.f = v` on a non-frozen UDT: field number `index` alone (nil deletes it).
        case setField(index: Int, Operand)
        /// `DELETE a.f` on a non-frozen UDT.
        case deleteField(index: Int)
    }

    var column: SchemaColumn
    var operation: Operation

    /// Whether executing this write needs the list's current elements: list elements are
    /// addressed by position or value, which only the stored cells know.
    var readsCurrentList: Bool {
        guard case .list = column.type else { return false }
        switch operation {
        case .setElement, .subtract, .deleteElement: return true
        default: return false
        }
    }

    // MARK: Analysis

    /// An UPDATE's `SET` assignment, checked as Cassandra checks it.
    static func analyze(_ assignment: CQLAssignment, layout: TableLayout,
                        analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> ColumnWrite {
        let name = assignment.columnName
        let column = try layout.column(name)
        guard column.kind != .partitionKey && column.kind != .clustering else {
            throw ErrorResponse(.invalid, message: "PRIMARY KEY part \(name) found in SET part")
        }
        if case .counter = column.type { throw ErrorResponse(.invalid, message: "Counters are not supported") }
        let type = column.type
        switch assignment {
        case .set(_, let term):
            return ColumnWrite(column: column, operation: .set(try analyzer.operand(term, type: type, name: name)))
        case let .setElement(_, key, term):
            let (keyType, valueType) = try elementTypes(column, operation: "\(name)[?] = ?")
            let key = try analyzer.operand(key, type: keyType, name: keyType == .int ? "idx(\(name))" : "key(\(name))")
            let value = try analyzer.operand(term, type: valueType, name: "value(\(name))")
            return ColumnWrite(column: column, operation: .setElement(key: key, value: value))
        case .add(_, let term):
            try requireMultiCell(column, operation: "\(name) = \(name) + ?")
            return ColumnWrite(column: column, operation: .add(try analyzer.operand(term, type: type, name: name)))
        case .prepend(_, let term):
            guard case .list = type else {
                throw ErrorResponse(.invalid, message: "Invalid operation (\(name) = ? + \(name)) for non list column \(name)")
            }
            return ColumnWrite(column: column, operation: .prepend(try analyzer.operand(term, type: type, name: name)))
        case let .setField(_, field, term):
            let index = try fieldIndex(column, field, operation: "\(name).\(field) = ?")
            guard case .udt(_, _, let fields) = column.type else { throw invalidNonUDT(column, "\(name).\(field) = ?") }
            let value = try analyzer.operand(term, type: fields[index].type, name: "\(name).\(field)")
            return ColumnWrite(column: column, operation: .setField(index: index, value))
        case .subtract(_, let term):
            try requireMultiCell(column, operation: "\(name) = \(name) - ?")
            // Removing from a map names keys: the operand is a set of them.
            var operandType = type
            if case .map(let keyType, _) = type { operandType = .set(keyType) }
            return ColumnWrite(column: column, operation: .subtract(try analyzer.operand(term, type: operandType, name: name)))
        }
    }

    /// A DELETE target: a whole column or one element of a collection.
    static func analyze(_ target: CQLDeleteTarget, layout: TableLayout,
                        analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> ColumnWrite {
        let name: String
        switch target {
        case .column(let given): name = given
        case .element(let given, _): name = given
        case .field(let given, _): name = given
        }
        let column = try layout.column(name)
        guard column.kind != .partitionKey && column.kind != .clustering else {
            throw ErrorResponse(.invalid, message: "Invalid identifier \(name) for deletion (should not be a PRIMARY KEY part)")
        }
        if case .field(_, let field) = target { return try fieldDeletion(column, field) }
        guard case .element(_, let key) = target else { return ColumnWrite(column: column, operation: .delete) }
        guard column.type.isCollection else {
            throw ErrorResponse(.invalid, message: "Invalid deletion operation for non collection column \(name)")
        }
        guard CollectionCells.isMultiCell(column.type) else {
            throw ErrorResponse(.invalid, message: "Invalid deletion operation for frozen collection column \(name)")
        }
        let keyType: CQLDataType
        switch column.type {
        case .list: keyType = .int
        case .set(let element): keyType = element
        case .map(let mapKey, _): keyType = mapKey
        default: keyType = column.type
        }
        return ColumnWrite(column: column, operation: .deleteElement(try analyzer.operand(key, type: keyType, name: name)))
    }

    /// `DELETE a.f`, with Cassandra's checks: a non-frozen UDT column that has field `f`.
    private static func fieldDeletion(_ column: SchemaColumn, _ field: String) throws(ErrorResponse) -> ColumnWrite {
        guard case .udt(_, _, let fields) = column.type.unfrozen else {
            throw ErrorResponse(.invalid, message: "Invalid field deletion operation for non-UDT column \(column.name)")
        }
        guard !column.type.isFrozen else {
            throw ErrorResponse(.invalid, message: "Frozen UDT column \(column.name) does not support field deletions")
        }
        guard let index = fields.firstIndex(where: { $0.name == field }) else {
            throw ErrorResponse(.invalid, message: "UDT column \(column.name) does not have a field named \(field)")
        }
        return ColumnWrite(column: column, operation: .deleteField(index: index))
    }

    /// The index of `field` in a non-frozen UDT column, for `a.f = v`.
    private static func fieldIndex(_ column: SchemaColumn, _ field: String, operation: String) throws(ErrorResponse) -> Int {
        guard case .udt(_, _, let fields) = column.type.unfrozen else { throw invalidNonUDT(column, operation) }
        guard !column.type.isFrozen else {
            throw ErrorResponse(.invalid, message: "Invalid operation (\(operation)) for frozen UDT column \(column.name)")
        }
        guard let index = fields.firstIndex(where: { $0.name == field }) else {
            throw ErrorResponse(.invalid, message: "UDT column \(column.name) does not have a field named \(field)")
        }
        return index
    }

    private static func invalidNonUDT(_ column: SchemaColumn, _ operation: String) -> ErrorResponse {
        ErrorResponse(.invalid, message: "Invalid operation (\(operation)) for non-UDT column \(column.name)")
    }

    private static func requireMultiCell(_ column: SchemaColumn, operation: String) throws(ErrorResponse) {
        guard column.type.isCollection else {
            throw ErrorResponse(.invalid, message: "Invalid operation (\(operation)) for non counter column \(column.name)")
        }
        guard CollectionCells.isMultiCell(column.type) else {
            throw ErrorResponse(.invalid, message: "Invalid operation (\(operation)) for frozen collection column \(column.name)")
        }
    }

    /// The key (or index) and value types of `m[k] = v` on a map or list.
    private static func elementTypes(_ column: SchemaColumn, operation: String) throws(ErrorResponse) -> (CQLDataType, CQLDataType) {
        guard column.type.isCollection else {
            throw ErrorResponse(.invalid, message: "Invalid operation (\(operation)) for non collection column \(column.name)")
        }
        switch column.type {
        case .map(let key, let value): return (key, value)
        case .list(let element): return (.int, element)
        case .set: throw ErrorResponse(.invalid, message: "Invalid operation (\(operation)) for set column \(column.name)")
        default:
            throw ErrorResponse(.invalid, message: "Invalid operation (\(operation)) for frozen collection column \(column.name)")
        }
    }
}

extension CQLAssignment {
    var columnName: String {
        switch self {
        case .set(let column, _), .setElement(let column, _, _), .add(let column, _), .subtract(let column, _),
             .prepend(let column, _), .setField(let column, _, _):
            return column
        }
    }
}
