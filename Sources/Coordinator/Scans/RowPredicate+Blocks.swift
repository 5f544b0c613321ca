import KVCore
import LSMStore

extension RowPredicate {
    /// Whether an SSTable block with `statistics` may hold a row this predicate selects:
    /// false only when the block's value bounds prove no row can (DESIGN §8). Whether the
    /// block may then be skipped also depends on the other sources (`BlockSkipPolicy`).
    ///
    /// NOT is answered conservatively (true): a test that is false for every row makes its
    /// negation true, but one that is unknown (null) keeps it unknown, and the bounds do not
    /// tell the two apart.
    public func mayMatch(_ statistics: BlockStatistics) -> Bool {
        switch self {
        case .test(let test): test.mayMatch(statistics)
        case .and(let operands): operands.allSatisfy { $0.mayMatch(statistics) }
        case .or(let operands): operands.contains { $0.mayMatch(statistics) }
        case .not: true
        }
    }
}

extension ColumnTest {
    /// Whether some row of the block may pass this test (true when the block keeps no
    /// bounds for the column). A test is only true on a non-null value, so a block whose
    /// values all lie outside the tested range cannot hold a row that passes.
    func mayMatch(_ statistics: BlockStatistics) -> Bool {
        guard mapKey == nil, column.kind == .regular || column.kind == .staticColumn,
              let ordering = ValueOrdering(exactFor: type.unfrozen), let bounds = statistics.columns[column.id] else {
            return true
        }
        switch test {
        case let .compare(op, operand):
            guard let operand else { return false }  // a comparison with null is never true
            let key = ordering.sortKey(operand)
            switch op {
            case .equal: return bounds.mayContain(sortKeysFrom: key, through: key)
            case .lessThan, .lessThanOrEqual: return bounds.mayContain(sortKeysFrom: nil, through: key)
            case .greaterThan, .greaterThanOrEqual: return bounds.mayContain(sortKeysFrom: key, through: nil)
            case .notEqual: return bounds.liveCellCount > 0
            }
        case .in(let operands):
            return operands.contains { operand in
                let key = ordering.sortKey(operand)
                return bounds.mayContain(sortKeysFrom: key, through: key)
            }
        case .isNotNull:
            return bounds.liveCellCount > 0
        case .isNull, .contains, .containsKey:
            return true
        }
    }
}
