import KVCore

/// A `RowPredicate` prepared for one scan on a replica: each tested column has a slot in
/// `ScanRowValues`, and tests on scalar columns compare values in place, without copying
/// them (`RawValueComparator`), which keeps the per-row cost of a scan allocation-free.
struct CompiledPredicate {
    indirect enum Node {
        case leaf(Leaf)
        case and([Node])
        case or([Node])
        case not(Node)
    }

    struct Leaf {
        let slot: Int
        let test: ColumnTest
        /// Set when the test can run on the value in place: a scalar column, no map entry.
        let comparator: RawValueComparator?
    }

    let root: Node
    /// The tested columns, by slot.
    let columns: [PredicateColumn]

    init(_ predicate: RowPredicate) {
        let columns = predicate.columns
        self.columns = columns
        func compile(_ predicate: RowPredicate) -> Node {
            switch predicate {
            case .test(let test):
                let inPlace = test.mapKey == nil && !test.column.isMultiCell && Self.runsInPlace(test.test)
                return .leaf(Leaf(slot: columns.firstIndex(of: test.column)!, test: test,
                                  comparator: inPlace ? RawValueComparator(test.type) : nil))
            case .and(let operands): return .and(operands.map(compile))
            case .or(let operands): return .or(operands.map(compile))
            case .not(let operand): return .not(compile(operand))
            }
        }
        root = compile(predicate)
    }

    private static func runsInPlace(_ test: ColumnTest.Test) -> Bool {
        switch test {
        case .compare, .in, .isNull, .isNotNull: true
        case .contains, .containsKey: false
        }
    }

    /// Whether the row whose values `values` holds is selected.
    func selects(_ values: ScanRowValues) -> Bool {
        Self.evaluate(root, values) == .yes
    }

    private static func evaluate(_ node: Node, _ values: ScanRowValues) -> RowPredicate.Truth {
        switch node {
        case .leaf(let leaf):
            return evaluate(leaf, values)
        case .and(let operands):
            var result = RowPredicate.Truth.yes
            for operand in operands {
                switch evaluate(operand, values) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
            }
            return result
        case .or(let operands):
            var result = RowPredicate.Truth.no
            for operand in operands {
                switch evaluate(operand, values) {
                case .yes: return .yes
                case .unknown: result = .unknown
                case .no: break
                }
            }
            return result
        case .not(let operand):
            switch evaluate(operand, values) {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        }
    }

    private static func evaluate(_ leaf: Leaf, _ values: ScanRowValues) -> RowPredicate.Truth {
        guard let comparator = leaf.comparator, let value = values.inPlace(leaf.slot) else {
            return leaf.test.evaluate(values.copied(leaf.slot))
        }
        guard let value else { return leaf.test.evaluate(nil) }
        switch leaf.test.test {
        case let .compare(op, operand):
            guard let operand else { return .unknown }
            return ColumnTest.truth(operand.withUnsafeBytes { op.holds(comparator.compare(value, $0)) })
        case .in(let operands):
            return ColumnTest.truth(operands.contains { operand in
                operand.withUnsafeBytes { comparator.compare(value, $0) == 0 }
            })
        case .isNull: return .no
        case .isNotNull: return .yes
        case .contains, .containsKey: return leaf.test.evaluate(Array(value))
        }
    }
}
