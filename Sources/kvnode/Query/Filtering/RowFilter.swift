import CQL
import Coordinator
import KVCore

/// The part of a SELECT's WHERE clause evaluated on each row read (`ALLOW FILTERING`): a
/// boolean tree of predicates on any column, with SQL's three-valued logic for nulls.
indirect enum RowFilter: Sendable {
    case predicate(FilterPredicate)
    case and([RowFilter])
    case or([RowFilter])
    case not(RowFilter)

    /// Analyses `expression`, numbering its bind markers in text order.
    static func analyze(_ expression: CQLWhereExpression, layout: TableLayout,
                        analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> RowFilter {
        switch expression {
        case .relation(let relation):
            return .predicate(try FilterPredicate.analyze(relation, layout: layout, analyzer: &analyzer))
        case .and(let operands):
            var filters: [RowFilter] = []
            for operand in operands { filters.append(try analyze(operand, layout: layout, analyzer: &analyzer)) }
            return .and(filters)
        case .or(let operands):
            var filters: [RowFilter] = []
            for operand in operands { filters.append(try analyze(operand, layout: layout, analyzer: &analyzer)) }
            return .or(filters)
        case .not(let operand):
            return .not(try analyze(operand, layout: layout, analyzer: &analyzer))
        }
    }

    /// The filter with its operands resolved for one execution.
    func bind(_ bindings: Bindings) throws(ErrorResponse) -> RowPredicate {
        switch self {
        case .predicate(let predicate): return .test(try predicate.bind(bindings))
        case .and(let filters):
            var bound: [RowPredicate] = []
            for filter in filters { bound.append(try filter.bind(bindings)) }
            return .and(bound)
        case .or(let filters):
            var bound: [RowPredicate] = []
            for filter in filters { bound.append(try filter.bind(bindings)) }
            return .or(bound)
        case .not(let filter): return .not(try filter.bind(bindings))
        }
    }
}

/// One test on one column (or one map entry) of a row.
struct FilterPredicate: Sendable {
    enum Test: Sendable {
        /// `= != < <= > >=` against a value of the tested type.
        case compare(CQLOperator, Operand)
        case `in`(KeyValues)
        /// A list or set element, or a map value.
        case contains(Operand)
        case containsKey(Operand)
        case isNull
        case isNotNull
    }

    let column: SchemaColumn
    /// `m[key]`: the test applies to the map's value at `key`.
    let mapKey: Operand?
    let test: Test

    /// The type the test compares: the column's, or the map's value type for `m[key]`.
    var testedType: CQLDataType {
        if mapKey != nil, case .map(_, let value) = column.type.unfrozen { return value }
        return column.type
    }

    static func analyze(_ relation: CQLRelation, layout: TableLayout,
                        analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> FilterPredicate {
        switch relation {
        case let .compare(target, op, term):
            let (column, mapKey) = try resolveTarget(target, layout: layout, analyzer: &analyzer)
            let probe = FilterPredicate(column: column, mapKey: mapKey, test: .isNull)
            let type = probe.testedType
            switch op {
            case .contains:
                guard let element = containedType(column.type) else {
                    throw ErrorResponse(.invalid, message: "Cannot use CONTAINS on non-collection column \(column.name)")
                }
                return probe.with(.contains(try analyzer.operand(term, type: element, name: column.name)))
            case .containsKey:
                guard case .map(let key, _) = column.type.unfrozen else {
                    throw ErrorResponse(.invalid, message: "Cannot use CONTAINS KEY on non-map column \(column.name)")
                }
                return probe.with(.containsKey(try analyzer.operand(term, type: key, name: column.name)))
            case .like:
                throw ErrorResponse(.invalid, message: "LIKE restriction is only supported on properly indexed columns. \(column.name) LIKE '...' is not valid.")
            default:
                if case .udt = column.type {
                    throw ErrorResponse(.invalid, message: "Non-frozen UDT column '\(column.name)' (\(column.type)) cannot be restricted by any relation")
                }
                if mapKey == nil, CollectionCells.isMultiCell(column.type) {
                    throw ErrorResponse(.invalid, message: "Collection column '\(column.name)' (\(column.type)) cannot be restricted by a '\(op.rawValue)' relation")
                }
                return probe.with(.compare(op, try analyzer.operand(term, type: type, name: column.name)))
            }
        case let .in(target, terms):
            let (column, mapKey) = try resolveTarget(target, layout: layout, analyzer: &analyzer)
            let probe = FilterPredicate(column: column, mapKey: mapKey, test: .isNull)
            return probe.with(.in(.list(try analyzer.operands(in: terms, type: probe.testedType, name: column.name))))
        case let .inMarker(target, term):
            let (column, mapKey) = try resolveTarget(target, layout: layout, analyzer: &analyzer)
            let probe = FilterPredicate(column: column, mapKey: mapKey, test: .isNull)
            let operand = try analyzer.operand(term, type: .list(probe.testedType), name: "in(\(column.name))")
            return probe.with(.in(.listMarker(operand, element: probe.testedType)))
        case .isNull(let target):
            let (column, mapKey) = try resolveTarget(target, layout: layout, analyzer: &analyzer)
            return FilterPredicate(column: column, mapKey: mapKey, test: .isNull)
        case .isNotNull(let target):
            let (column, mapKey) = try resolveTarget(target, layout: layout, analyzer: &analyzer)
            return FilterPredicate(column: column, mapKey: mapKey, test: .isNotNull)
        }
    }

    private func with(_ test: Test) -> FilterPredicate {
        FilterPredicate(column: column, mapKey: mapKey, test: test)
    }

    /// The column a relation tests, and the map key for `m[key]`.
    private static func resolveTarget(_ target: CQLRelationTarget, layout: TableLayout,
                               analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> (SchemaColumn, Operand?) {
        switch target {
        case .column(let name):
            return (try layout.column(name), nil)
        case let .element(name, key):
            let column = try layout.column(name)
            guard case .map(let keyType, _) = column.type.unfrozen else {
                throw ErrorResponse(.invalid, message: "Element restrictions are only supported on map columns, not on \(name)")
            }
            return (column, try analyzer.operand(key, type: keyType, name: "key(\(name))"))
        case .token:
            throw ErrorResponse(.invalid, message: "token() restrictions cannot be combined with OR or NOT")
        case .tuple(let names):
            throw ErrorResponse(.invalid, message: "Multi-column relations on (\(names.joined(separator: ", "))) cannot be filtered")
        }
    }

    /// What CONTAINS compares against: a list or set's element type, a map's value type.
    private static func containedType(_ type: CQLDataType) -> CQLDataType? {
        switch type.unfrozen {
        case .list(let element), .set(let element): return element
        case .map(_, let value): return value
        default: return nil
        }
    }

    func bind(_ bindings: Bindings) throws(ErrorResponse) -> ColumnTest {
        let key = try mapKey.map { operand throws(ErrorResponse) in try bindings.required(operand, what: "key of \(column.name)") }
        let bound: ColumnTest.Test
        switch test {
        case let .compare(op, operand):
            guard case .value(let value) = try bindings.resolve(operand) else {
                throw ErrorResponse(.invalid, message: "Invalid unset value for column \(column.name)")
            }
            guard let comparison = ComparisonOperator(op) else {
                throw ErrorResponse(.invalid, message: "\(op.rawValue) is not a comparison")
            }
            bound = .compare(comparison, value)
        case .in(let values): bound = .in(try values.resolve(bindings, column: column.name))
        case .contains(let operand): bound = .contains(try bindings.required(operand, what: "column \(column.name)"))
        case .containsKey(let operand): bound = .containsKey(try bindings.required(operand, what: "column \(column.name)"))
        case .isNull: bound = .isNull
        case .isNotNull: bound = .isNotNull
        }
        return ColumnTest(column: column.predicateColumn, mapKey: key, type: testedType, test: bound)
    }
}

extension ComparisonOperator {
    /// CQL's comparison operator; nil for `CONTAINS`, `CONTAINS KEY` and `LIKE`, which are
    /// not comparisons.
    init?(_ op: CQLOperator) {
        switch op {
        case .equal: self = .equal
        case .notEqual: self = .notEqual
        case .lessThan: self = .lessThan
        case .lessThanOrEqual: self = .lessThanOrEqual
        case .greaterThan: self = .greaterThan
        case .greaterThanOrEqual: self = .greaterThanOrEqual
        case .contains, .containsKey, .like: return nil
        }
    }
}

extension SchemaColumn {
    /// Where a filter finds this column's value.
    var predicateColumn: PredicateColumn {
        let kind: PredicateColumn.Kind = switch self.kind {
        case .partitionKey: .partitionKey
        case .clustering: .clustering
        case .staticColumn: .staticColumn
        case .regular: .regular
        }
        return PredicateColumn(id: id, kind: kind, position: max(0, Int(position)), type: type)
    }
}
