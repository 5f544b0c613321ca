/// A WHERE clause (or row filter) as a boolean tree of relations.
///
/// Plain CQL is a flat `.and` of relations; the row-filter API (DESIGN §8) adds `OR`, `NOT`
/// and parentheses. `.and` and `.or` hold two or more operands, flattened.
public indirect enum CQLWhereExpression: Sendable, Equatable {
    /// A single relation.
    case relation(CQLRelation)
    /// All operands hold.
    case and([CQLWhereExpression])
    /// At least one operand holds.
    case or([CQLWhereExpression])
    /// The operand does not hold.
    case not(CQLWhereExpression)

    /// The relations of a flat conjunction (or of a single relation); nil if the tree uses
    /// `OR`, `NOT` or nested groups other than `AND`.
    public var conjunction: [CQLRelation]? {
        switch self {
        case .relation(let relation): return [relation]
        case .and(let operands):
            var relations: [CQLRelation] = []
            for operand in operands {
                guard let inner = operand.conjunction else { return nil }
                relations += inner
            }
            return relations
        case .or, .not: return nil
        }
    }
}

/// One comparison in a WHERE clause or an `IF` condition.
public enum CQLRelation: Sendable, Equatable {
    /// `left op right`, for `= != < <= > >= CONTAINS, CONTAINS KEY, LIKE`.
    case compare(CQLRelationTarget, CQLOperator, CQLTerm)
    /// `left IN (t1, t2, ...)`.
    case `in`(CQLRelationTarget, [CQLTerm])
    /// `left IN ?` or `left IN :name`.
    case inMarker(CQLRelationTarget, CQLTerm)
    /// `left IS NULL`.
    case isNull(CQLRelationTarget)
    /// `left IS NOT NULL`.
    case isNotNull(CQLRelationTarget)
}

/// The left side of a relation.
public enum CQLRelationTarget: Sendable, Equatable {
    /// A column.
    case column(String)
    /// A map element or list index: `m['k']`.
    case element(column: String, key: CQLTerm)
    /// `token(a, b, ...)`.
    case token([String])
    /// A multi-column tuple `(a, b, ...)`.
    case tuple([String])
}

/// A comparison operator.
public enum CQLOperator: String, Sendable, Equatable {
    case equal = "="
    case notEqual = "!="
    case lessThan = "<"
    case lessThanOrEqual = "<="
    case greaterThan = ">"
    case greaterThanOrEqual = ">="
    case contains = "CONTAINS"
    case containsKey = "CONTAINS KEY"
    case like = "LIKE"
}
