import CQL

/// Folds raw rows, which arrive in partition then clustering order, into result rows: one
/// per run of rows with equal GROUP BY values (one in all without GROUP BY). A pure value:
/// callers feed rows and collect the finished groups.
struct GroupFolder {
    typealias Values = [[UInt8]?]

    let plan: AggregationPlan
    private var groupKey: Values?
    private var firstRow: Values?
    private var accumulators: [AggregateAccumulator?]

    init(_ plan: AggregationPlan) {
        self.plan = plan
        accumulators = Self.freshAccumulators(plan)
    }

    /// Adds a raw row; returns the previous group's result row when this row starts a new group.
    mutating func add(_ row: Values) throws(ErrorResponse) -> Values? {
        let key = plan.groupIndices.map { row[$0] }
        var finished: Values?
        if let groupKey, groupKey != key {
            finished = result()
            firstRow = nil
            accumulators = Self.freshAccumulators(plan)
        }
        if firstRow == nil {
            firstRow = row
            groupKey = key
        }
        for (index, output) in plan.outputs.enumerated() {
            if case .aggregate(_, let rawIndex) = output { try accumulators[index]?.add(row[rawIndex]) }
        }
        return finished
    }

    /// The last group's row. Without GROUP BY there is always one row, even over no input
    /// (counts 0, plain columns null), as in Cassandra; with GROUP BY no input gives none.
    func finish() -> Values? {
        if firstRow == nil && !plan.groupIndices.isEmpty { return nil }
        return result()
    }

    private func result() -> Values {
        plan.outputs.enumerated().map { index, output in
            switch output {
            case .firstValue(let rawIndex): return firstRow.flatMap { $0[rawIndex] }
            case .aggregate: return accumulators[index].flatMap { $0.result() }
            }
        }
    }

    private static func freshAccumulators(_ plan: AggregationPlan) -> [AggregateAccumulator?] {
        plan.outputs.map { output in
            if case .aggregate(let function, _) = output { return AggregateAccumulator(function) }
            return nil
        }
    }
}
