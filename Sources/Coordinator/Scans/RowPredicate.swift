import KVCore

/// A compiled row filter (`ALLOW FILTERING`, DESIGN §8): a boolean tree of typed tests on
/// column values, with its operands bound. The coordinator builds it once per query and
/// ships it to the replicas, which evaluate it next to their data (`ScanCommand`).
///
/// Evaluation follows SQL's three-valued logic: a test on a null value (or a missing map
/// entry) is unknown, NOT unknown is unknown, and a row is selected only when the whole
/// filter is true — so a filter selects exactly the rows SQL would. A null collection is
/// empty: `CONTAINS` and `CONTAINS KEY` on it are false (SQL's `EXISTS` over no elements).
public indirect enum RowPredicate: Sendable, Equatable {
    case test(ColumnTest)
    case and([RowPredicate])
    case or([RowPredicate])
    case not(RowPredicate)

    public enum Truth: Sendable {
        case yes, no, unknown

        /// AND of the operands' truths: no if any is no, else unknown if any is unknown.
        static func all<Operands: Sequence>(_ operands: Operands,
                                                       _ truth: (Operands.Element) -> Truth) -> Truth {
            var result = Truth.yes
            for operand in operands {
                switch truth(operand) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
            }
            return result
        }

        /// OR of the operands' truths: yes if any is yes, else unknown if any is unknown.
        static func any<Operands: Sequence>(_ operands: Operands,
                                                       _ truth: (Operands.Element) -> Truth) -> Truth {
            all(operands) { truth($0).negated }.negated
        }

        /// NOT: unknown stays unknown.
        var negated: Truth {
            switch self {
            case .yes: .no
            case .no: .yes
            case .unknown: .unknown
            }
        }
    }

    /// Whether the row whose column values `value(of:)` gives is selected.
    public func selects(_ value: (PredicateColumn) -> [UInt8]?) -> Bool {
        evaluate { test in test.evaluate(value(test.column)) } == .yes
    }

    /// The tree's truth when each test's truth is `truth(test)`.
    public func evaluate(_ truth: (ColumnTest) -> Truth) -> Truth {
        return switch self {
        case .test(let test): truth(test)
        case .and(let operands): .all(operands) { $0.evaluate(truth) }
        case .or(let operands): .any(operands) { $0.evaluate(truth) }
        case .not(let operand): operand.evaluate(truth).negated
        }
    }

    /// The distinct columns the tree tests, in first-use order.
    public var columns: [PredicateColumn] {
        var found: [PredicateColumn] = []
        func visit(_ predicate: RowPredicate) {
            switch predicate {
            case .test(let test): if !found.contains(test.column) { found.append(test.column) }
            case .and(let operands), .or(let operands): operands.forEach(visit)
            case .not(let operand): visit(operand)
            }
        }
        visit(self)
        return found
    }
}

/// Where a row's value of a tested column comes from, and its type.
public struct PredicateColumn: Sendable, Hashable {
    public enum Kind: UInt8, Sendable {
        case partitionKey = 0
        case clustering = 1
        case staticColumn = 2
        case regular = 3
    }

    /// The column id of its cells (static and regular columns).
    public var id: UInt32
    public var kind: Kind
    /// The index among the partition key or clustering columns (0 for the others).
    public var position: Int
    public var type: CQLDataType

    public init(id: UInt32, kind: Kind, position: Int, type: CQLDataType) {
        self.id = id
        self.kind = kind
        self.position = position
        self.type = type
    }

    /// Whether the column is stored as one cell per element or field.
    public var isMultiCell: Bool { CollectionCells.isMultiCell(type) }
}

/// The comparison operators of filters.
public enum ComparisonOperator: UInt8, Sendable {
    case equal = 0
    case notEqual = 1
    case lessThan = 2
    case lessThanOrEqual = 3
    case greaterThan = 4
    case greaterThanOrEqual = 5

    /// Whether a comparison result (negative, zero, positive) satisfies the operator.
    @inlinable public func holds(_ order: Int) -> Bool {
        switch self {
        case .equal: order == 0
        case .notEqual: order != 0
        case .lessThan: order < 0
        case .lessThanOrEqual: order <= 0
        case .greaterThan: order > 0
        case .greaterThanOrEqual: order >= 0
        }
    }
}

/// One test on one column's value, or on one entry of a map column.
public struct ColumnTest: Sendable, Equatable {
    public enum Test: Sendable, Equatable {
        /// Against a bound value; a null operand makes the test unknown.
        case compare(ComparisonOperator, [UInt8]?)
        case `in`([[UInt8]])
        /// A list or set element, or a map value.
        case contains([UInt8])
        case containsKey([UInt8])
        case isNull
        case isNotNull
    }

    public let column: PredicateColumn
    /// `m[key]`: the test applies to the map's value at `key`.
    public let mapKey: [UInt8]?
    /// The type of the tested value (the map's value type for `m[key]`).
    public let type: CQLDataType
    public let test: Test

    public init(column: PredicateColumn, mapKey: [UInt8]?, type: CQLDataType, test: Test) {
        self.column = column
        self.mapKey = mapKey
        self.type = type
        self.test = test
    }

    /// The test on the column's serialized value (nil when null).
    public func evaluate(_ columnValue: [UInt8]?) -> RowPredicate.Truth {
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
            return Self.truth(op.holds(type.compare(tested, operand)))
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

    static func truth(_ holds: Bool) -> RowPredicate.Truth { holds ? .yes : .no }
}
