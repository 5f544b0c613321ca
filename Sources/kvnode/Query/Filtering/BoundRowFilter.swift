import CQL
import KVCore

/// A row filter with its values resolved for one execution, evaluated on rows.
///
/// Evaluation follows SQL's three-valued logic: a test on a null value (or a missing map
/// entry) is unknown, NOT unknown is unknown, and a row is selected only when the whole
/// filter is true — so a filter selects exactly the rows SQL would. A null collection is
/// empty: `CONTAINS` and `CONTAINS KEY` on it are false (SQL's `EXISTS` over no elements).
indirect enum BoundRowFilter: Sendable {
    case predicate(Predicate)
    case and([BoundRowFilter])
    case or([BoundRowFilter])
    case not(BoundRowFilter)

    enum Test: Sendable {
        case compare(CQLOperator, [UInt8]?)
        case `in`([[UInt8]])
        case contains([UInt8])
        case containsKey([UInt8])
        case isNull
        case isNotNull
    }

    struct Predicate: Sendable {
        let column: SchemaColumn
        let mapKey: [UInt8]?
        /// The type of the tested value (the map's value type for `m[key]`).
        let type: CQLDataType
        let test: Test
    }

    enum Truth { case yes, no, unknown }

    /// Whether the row whose column values `value(of:)` gives is selected.
    func selects(_ value: (SchemaColumn) -> [UInt8]?) -> Bool {
        evaluate(value) == .yes
    }

    func evaluate(_ value: (SchemaColumn) -> [UInt8]?) -> Truth {
        switch self {
        case .predicate(let predicate):
            return predicate.evaluate(value(predicate.column))
        case .and(let filters):
            var result = Truth.yes
            for filter in filters {
                switch filter.evaluate(value) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
            }
            return result
        case .or(let filters):
            var result = Truth.no
            for filter in filters {
                switch filter.evaluate(value) {
                case .yes: return .yes
                case .unknown: result = .unknown
                case .no: break
                }
            }
            return result
        case .not(let filter):
            switch filter.evaluate(value) {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        }
    }
}

extension BoundRowFilter.Predicate {
    /// The test on the column's serialized value (nil when null).
    func evaluate(_ columnValue: [UInt8]?) -> BoundRowFilter.Truth {
        let tested = mapKey.map { key in columnValue.flatMap { mapValue(in: $0, at: key) } } ?? columnValue
        switch test {
        case .isNull: return tested == nil ? .yes : .no
        case .isNotNull: return tested == nil ? .no : .yes
        // A null collection is an empty one: it contains nothing, which is known.
        case .contains, .containsKey: if tested == nil { return .no }
        default: break
        }
        guard let tested else { return .unknown }
        switch test {
        case let .compare(op, operand):
            guard let operand else { return .unknown }
            return Self.truth(Self.holds(op, type.compare(tested, operand)))
        case .in(let values):
            return Self.truth(values.contains { type.compare(tested, $0) == 0 })
        case .contains(let element):
            guard let entries = CollectionCells.entries(tested, of: type) else { return .no }
            let elementType = Self.containedType(type)
            return Self.truth(entries.contains { elementType.compare($0.value, element) == 0 })
        case .containsKey(let key):
            guard case .map(let keyType, _) = type.unfrozen, let entries = CollectionCells.entries(tested, of: type) else { return .no }
            return Self.truth(entries.contains { keyType.compare($0.key, key) == 0 })
        case .isNull, .isNotNull:
            return .unknown
        }
    }

    private func mapValue(in map: [UInt8], at key: [UInt8]) -> [UInt8]? {
        guard case .map(let keyType, _) = column.type.unfrozen, let entries = CollectionCells.entries(map, of: column.type) else {
            return nil
        }
        return entries.first { keyType.compare($0.key, key) == 0 }?.value
    }

    private static func containedType(_ type: CQLDataType) -> CQLDataType {
        switch type.unfrozen {
        case .list(let element), .set(let element): return element
        case .map(_, let value): return value
        default: return type
        }
    }

    private static func holds(_ op: CQLOperator, _ order: Int) -> Bool {
        switch op {
        case .equal: order == 0
        case .notEqual: order != 0
        case .lessThan: order < 0
        case .lessThanOrEqual: order <= 0
        case .greaterThan: order > 0
        case .greaterThanOrEqual: order >= 0
        case .contains, .containsKey, .like: false
        }
    }

    private static func truth(_ holds: Bool) -> BoundRowFilter.Truth { holds ? .yes : .no }
}
