import CQL
import KVCore

/// One of Cassandra's native aggregates (`system.count/min/max/sum/avg`) applied to one
/// column of the raw rows a SELECT reads, or `count(*)`.
struct AggregateFunction: Sendable {
    enum Kind: String, Sendable {
        case countRows = "count(*)"
        case count, min, max, sum, avg
    }

    let kind: Kind
    /// The argument column's type (`bigint` for `count(*)`, which has no argument).
    let argumentType: CQLDataType

    /// The result type, as Cassandra declares it: counts are `bigint`, the others keep the
    /// argument's type (so `avg` of an `int` is an `int`, rounded toward zero).
    var resultType: CQLDataType {
        switch kind {
        case .countRows, .count: return .bigint
        case .min, .max, .sum, .avg: return argumentType
        }
    }

    /// Whether `name` is one of the native aggregates taking a column (`count`, `min`, `max`,
    /// `sum`, `avg`, optionally qualified by `system`).
    static func isAggregate(_ name: CQLQualifiedName) -> Bool {
        if let keyspace = name.keyspace, keyspace.lowercased() != "system" { return false }
        guard let kind = Kind(rawValue: name.name.lowercased()) else { return false }
        return kind != .countRows
    }

    /// The aggregate `name` (which `isAggregate` accepts) over a column of `argumentType`.
    /// Throws for `sum`/`avg` over a type they do not accept (Cassandra's message).
    static func named(_ name: CQLQualifiedName, argumentType: CQLDataType) throws(ErrorResponse) -> AggregateFunction {
        guard isAggregate(name), let kind = Kind(rawValue: name.name.lowercased()) else {
            preconditionFailure("\(name.name) is not an aggregate")
        }
        let function = AggregateFunction(kind: kind, argumentType: argumentType.unfrozen)
        let summable = NumericValue.isFixedWidthNumber(function.argumentType) || [.varint, .decimal].contains(function.argumentType)
        if kind == .sum || kind == .avg, !summable {
            throw ErrorResponse(.invalid, message: "Invalid call to function \(kind.rawValue), none of its type signatures match (argument type \(function.argumentType) is not supported; use a numeric type)")
        }
        return function
    }

    /// The column name Cassandra gives an unaliased call, e.g. `system.max(v)`.
    func columnName(argument: String) -> String {
        kind == .countRows ? "count" : "system.\(kind.rawValue)(\(argument))"
    }
}
