import CQL
import KVCore

/// Splits a SELECT's WHERE clause (with ALLOW FILTERING) between what the keys serve — a
/// complete partition key by `=`/`IN`, then a clustering prefix by `=`/`IN` and at most one
/// slice, and `token()` bounds — and what is filtered row by row: everything else.
enum FilterSplit {
    /// The indexes of the top-level conjuncts that go to the row filter.
    static func filteredConjuncts(_ conjuncts: [CQLWhereExpression], layout: TableLayout) -> Set<Int> {
        var filtered = Set<Int>()
        var partition: [Int: [Int]] = [:]
        var clustering: [Int: [(index: Int, op: CQLOperator)]] = [:]
        for (index, conjunct) in conjuncts.enumerated() {
            guard case .relation(let relation) = conjunct, let (name, op) = keyCandidate(relation) else {
                // token() bounds and multi-column relations are always the keys'.
                switch conjunct {
                case .relation(.compare(.token, _, _)), .relation(.compare(.tuple, _, _)), .relation(.in(.tuple, _)),
                     .relation(.inMarker(.tuple, _)):
                    continue
                default: break
                }
                filtered.insert(index)
                continue
            }
            // An unknown column stays with the keys, whose analysis reports it.
            guard let column = layout.column(named: name) else { continue }
            switch column.kind {
            case .partitionKey where op == .equal: partition[Int(column.position), default: []].append(index)
            case .clustering: clustering[Int(column.position), default: []].append((index, op))
            default: filtered.insert(index)
            }
        }
        let partitionComplete = layout.partitionKey.indices.allSatisfy { partition[$0]?.count == 1 }
        guard partitionComplete else {
            filtered.formUnion(partition.values.joined())
            filtered.formUnion(clustering.values.joined().map(\.index))
            return filtered
        }
        filtered.formUnion(clusteringFiltered(clustering))
        return filtered
    }

    /// The clustering relations beyond the servable prefix and slice.
    private static func clusteringFiltered(_ clustering: [Int: [(index: Int, op: CQLOperator)]]) -> [Int] {
        var position = 0
        while let relations = clustering[position], relations.count == 1, relations[0].op == .equal { position += 1 }
        var kept = Set<Int>()
        for prefix in 0..<position { kept.formUnion(clustering[prefix]!.map(\.index)) }
        if let slice = clustering[position] {
            let lowers = slice.filter { $0.op == .greaterThan || $0.op == .greaterThanOrEqual }.count
            let uppers = slice.filter { $0.op == .lessThan || $0.op == .lessThanOrEqual }.count
            if lowers <= 1, uppers <= 1, lowers + uppers == slice.count { kept.formUnion(slice.map(\.index)) }
        }
        return clustering.values.joined().map(\.index).filter { !kept.contains($0) }
    }

    /// The column and operator of a relation keys could serve (`IN` counts as `=`).
    private static func keyCandidate(_ relation: CQLRelation) -> (String, CQLOperator)? {
        switch relation {
        case let .compare(.column(name), op, _):
            switch op {
            case .equal, .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual: return (name, op)
            default: return nil
            }
        case .in(.column(let name), _), .inMarker(.column(let name), _): return (name, .equal)
        default: return nil
        }
    }
}

extension CQLWhereExpression {
    /// The operands of the top-level AND (nested ANDs flattened), or the expression itself.
    var topLevelConjuncts: [CQLWhereExpression] {
        guard case .and(let operands) = self else { return [self] }
        return operands.flatMap(\.topLevelConjuncts)
    }
}
