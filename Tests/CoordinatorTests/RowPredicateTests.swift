import KVCore
import Testing

@testable import Coordinator

/// Three-valued logic: a filter selects a row exactly when SQL's WHERE would.
@Suite struct RowPredicateTests {
    static let v = PredicateColumn(id: 1, kind: .regular, position: 0, type: .int)

    static func int(_ value: Int32) -> [UInt8] { try! CQLValue.int(value).serialize(as: .int) }

    static func compare(_ op: ComparisonOperator, _ operand: Int32?) -> RowPredicate {
        .test(ColumnTest(column: v, mapKey: nil, type: .int, test: .compare(op, operand.map(int))))
    }

    static func selects(_ filter: RowPredicate, _ value: Int32?) -> Bool {
        let bytes = value.map(int)
        return filter.selects { _ in bytes }
    }

    @Test func comparisonsOnNullAreUnknown() {
        for op: ComparisonOperator in [.equal, .notEqual, .lessThan, .greaterThanOrEqual] {
            #expect(!Self.selects(Self.compare(op, 1), nil))
            #expect(!Self.selects(.not(Self.compare(op, 1)), nil), "NOT unknown is unknown")
        }
        #expect(!Self.selects(Self.compare(.equal, nil), 1), "a comparison with NULL is unknown")
    }

    @Test func andOrFollowKleeneLogic() {
        let isOne = Self.compare(.equal, 1), isNotOne = Self.compare(.notEqual, 1)
        let isNull = RowPredicate.test(ColumnTest(column: Self.v, mapKey: nil, type: .int, test: .isNull))
        #expect(Self.selects(.or([isOne, isNotOne]), 5))
        #expect(!Self.selects(.or([isOne, isNotOne]), nil), "unknown OR unknown")
        #expect(Self.selects(.or([isOne, isNull]), nil), "unknown OR true")
        #expect(!Self.selects(.and([isNull, isOne]), nil), "true AND unknown")
        #expect(Self.selects(.not(.and([isOne, isNull])), 2), "NOT (false AND false)")
        #expect(Self.selects(Self.compare(.lessThan, 0), -3), "signed order, not bytes")
    }
}
