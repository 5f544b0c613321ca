import KVCore

/// A `RowPredicate` prepared for one scan on a replica: each tested column has a slot in
/// `ScanRowValues`, and tests on scalar columns compare values in place, without copying
/// them (`RawValueComparator`). The tree is flattened into plain nodes, so evaluating a row
/// allocates nothing and touches no reference counts.
struct CompiledPredicate {
    private enum Kind: UInt8 { case leaf, and, or, not }

    /// A tree node: a leaf's index in `leaves`, or an operator over `children[childStart...]`.
    private struct Node {
        var kind: Kind
        var index: Int
        var childStart: Int
        var childCount: Int
    }

    /// One test, with what running it in place needs.
    final class Leaf {
        let slot: Int
        let test: ColumnTest
        /// Set when the test can run on the value in place: a scalar column, no map entry.
        let comparator: RawValueComparator?

        init(slot: Int, test: ColumnTest) {
            self.slot = slot
            self.test = test
            let inPlace: Bool = switch test.test {
            case .compare, .in, .isNull, .isNotNull: test.mapKey == nil && !test.column.isMultiCell
            case .contains, .containsKey: false
            }
            comparator = inPlace ? RawValueComparator(test.type) : nil
        }

        func evaluate(_ values: ScanRowValues) -> RowPredicate.Truth {
            guard let comparator, let value = values.inPlace(slot) else { return test.evaluate(values.copied(slot)) }
            guard let value else { return test.evaluate(nil) }
            switch test.test {
            case let .compare(op, operand):
                guard let operand else { return .unknown }
                return ColumnTest.truth(operand.withUnsafeBytes { op.holds(comparator.compare(value, $0)) })
            case .in(let operands):
                return ColumnTest.truth(operands.contains { operand in
                    operand.withUnsafeBytes { comparator.compare(value, $0) == 0 }
                })
            case .isNull: return .no
            case .isNotNull: return .yes
            case .contains, .containsKey: return test.evaluate(Array(value))
            }
        }
    }

    private let nodes: [Node]
    private let children: [Int]
    private let leaves: [Leaf]
    /// `leaves` without reference counting for the per-row path; `leaves` keeps them alive.
    private let unretainedLeaves: [Unmanaged<Leaf>]
    /// The tested columns, by slot.
    let columns: [PredicateColumn]

    init(_ predicate: RowPredicate) {
        let columns = predicate.columns
        var nodes: [Node] = [], children: [Int] = [], leaves: [Leaf] = []
        func add(_ predicate: RowPredicate) -> Int {
            let operands: [RowPredicate]
            let kind: Kind
            switch predicate {
            case .test(let test):
                leaves.append(Leaf(slot: columns.firstIndex(of: test.column)!, test: test))
                nodes.append(Node(kind: .leaf, index: leaves.count - 1, childStart: 0, childCount: 0))
                return nodes.count - 1
            case .and(let list): (kind, operands) = (.and, list)
            case .or(let list): (kind, operands) = (.or, list)
            case .not(let operand): (kind, operands) = (.not, [operand])
            }
            let indices = operands.map(add)
            children += indices
            nodes.append(Node(kind: kind, index: 0, childStart: children.count - indices.count, childCount: indices.count))
            return nodes.count - 1
        }
        let root = add(predicate)
        precondition(root == nodes.count - 1, "the root is added last")
        self.nodes = nodes
        self.children = children
        self.leaves = leaves
        unretainedLeaves = leaves.map { Unmanaged.passUnretained($0) }
        self.columns = columns
    }

    /// Whether the row whose values `values` holds is selected.
    func selects(_ values: ScanRowValues) -> Bool {
        nodes.withUnsafeBufferPointer { nodes in
            children.withUnsafeBufferPointer { children in
                evaluate(nodes.count - 1, nodes, children, values) == .yes
            }
        }
    }

    private func evaluate(_ index: Int, _ nodes: UnsafeBufferPointer<Node>, _ children: UnsafeBufferPointer<Int>,
                          _ values: ScanRowValues) -> RowPredicate.Truth {
        let node = nodes[index]
        let operands = children[node.childStart..<node.childStart + node.childCount]
        return switch node.kind {
        case .leaf: unretainedLeaves[node.index]._withUnsafeGuaranteedRef { $0.evaluate(values) }
        case .and: .all(operands) { evaluate($0, nodes, children, values) }
        case .or: .any(operands) { evaluate($0, nodes, children, values) }
        case .not: evaluate(operands.first!, nodes, children, values).negated
        }
    }
}
