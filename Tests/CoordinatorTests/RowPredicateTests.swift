import CQL
import KVCore
@testable import kvnode
import Testing

/// Three-valued logic: a filter selects a row exactly when SQL's WHERE would.
@Suite struct BoundRowFilterTests {
    static let v = SchemaColumn(id: 1, name: "v", kind: .regular, position: 0, descending: false, type: .int)

    static func compare(_ op: CQLOperator, _ operand: Int32?) -> BoundRowFilter {
        .predicate(.init(column: v, mapKey: nil, type: .int, test: .compare(op, operand.map { try! CQLValue.int($0).serialize(as: .int) })))
    }

    static func selects(_ filter: BoundRowFilter, _ value: Int32?) -> Bool {
        let bytes = value.map { try! CQLValue.int($0).serialize(as: .int) }
        return filter.selects { _ in bytes }
    }

    @Test func comparisonsOnNullAreUnknown() {
        for op: CQLOperator in [.equal, .notEqual, .lessThan, .greaterThanOrEqual] {
            #expect(!Self.selects(Self.compare(op, 1), nil))
            #expect(!Self.selects(.not(Self.compare(op, 1)), nil), "NOT unknown is unknown")
        }
        #expect(!Self.selects(Self.compare(.equal, nil), 1), "a comparison with NULL is unknown")
    }

    @Test func andOrFollowKleeneLogic() {
        let isOne = Self.compare(.equal, 1), isNotOne = Self.compare(.notEqual, 1)
        let isNull = BoundRowFilter.predicate(.init(column: Self.v, mapKey: nil, type: .int, test: .isNull))
        #expect(Self.selects(.or([isOne, isNotOne]), 5))
        #expect(!Self.selects(.or([isOne, isNotOne]), nil), "unknown OR unknown")
        #expect(Self.selects(.or([isOne, isNull]), nil), "unknown OR true")
        #expect(!Self.selects(.and([isNull, isOne]), nil), "true AND unknown")
        #expect(Self.selects(.not(.and([isOne, isNull])), 2), "NOT (false AND false)")
        #expect(Self.selects(Self.compare(.lessThan, 0), -3), "signed order, not bytes")
    }
}
