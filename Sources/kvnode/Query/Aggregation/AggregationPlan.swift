import CQL
import KVCore

/// How a SELECT with aggregates or GROUP BY turns the raw rows it reads into result rows.
/// The raw rows hold, in order, one value per selector (an aggregate's argument column, or
/// the plain column itself) and then the GROUP BY columns.
struct AggregationPlan: Sendable {
    /// One result column.
    enum Output: Sendable {
        /// A plain selector: Cassandra returns its value in the group's first row.
        case firstValue(rawIndex: Int)
        /// An aggregate over the raw value at `rawIndex`.
        case aggregate(AggregateFunction, rawIndex: Int)
    }

    let outputs: [Output]
    /// Raw-row indices of the GROUP BY columns; empty aggregates every row into one.
    let groupIndices: [Int]
    /// Raw-row indices of the GROUP BY columns that are partition key columns (they name
    /// the partition for PER PARTITION LIMIT).
    let partitionIndices: [Int]

    /// The plan for a SELECT whose selectors are `aggregates` (nil for a plain selector), in
    /// raw-row order, followed by `groupColumnCount` GROUP BY columns; nil when the query
    /// neither aggregates nor groups.
    static func make(aggregates: [AggregateFunction?], groupColumns: [SchemaColumn],
                     isDistinct: Bool) throws(ErrorResponse) -> AggregationPlan? {
        let groupColumnCount = groupColumns.count
        guard groupColumnCount > 0 || aggregates.contains(where: { $0 != nil }) else { return nil }
        guard !isDistinct else {
            throw ErrorResponse(.invalid, message: "SELECT DISTINCT with aggregates or GROUP BY is not supported yet")
        }
        let outputs = aggregates.enumerated().map { index, function -> Output in
            function.map { .aggregate($0, rawIndex: index) } ?? .firstValue(rawIndex: index)
        }
        let groupIndices = Array(aggregates.count..<aggregates.count + groupColumnCount)
        let partitionIndices = zip(groupIndices, groupColumns).filter { $1.kind == .partitionKey }.map(\.0)
        return AggregationPlan(outputs: outputs, groupIndices: groupIndices, partitionIndices: partitionIndices)
    }

    /// The GROUP BY columns, checked as Cassandra does: primary key columns in declared
    /// order, skipping only columns restricted by `=` (constant, so they group nothing), and
    /// ending after the whole partition key.
    static func groupColumns(_ names: [String], layout: TableLayout,
                             keys: KeyRestrictions) throws(ErrorResponse) -> [SchemaColumn] {
        let primaryKey = layout.partitionKey + layout.clustering
        var next = 0
        var columns: [SchemaColumn] = []
        for name in names {
            let column = try layout.column(name)
            guard column.kind == .partitionKey || column.kind == .clustering else {
                throw ErrorResponse(.invalid, message: "Group by is currently only supported on the columns of the PRIMARY KEY, got \(name)")
            }
            while next < primaryKey.count, primaryKey[next].name != column.name, isRestrictedByEquality(next, layout, keys) {
                next += 1
            }
            guard next < primaryKey.count, primaryKey[next].name == column.name else {
                throw ErrorResponse(.invalid, message: "Group by currently only support groups of columns following their declared order in the PRIMARY KEY")
            }
            next += 1
            columns.append(column)
        }
        if !columns.isEmpty, next < layout.partitionKey.count {
            throw ErrorResponse(.invalid, message: "Group by is not supported on only a part of the partition key")
        }
        return columns
    }

    /// Whether the primary key column at `index` (partition key, then clustering) is
    /// restricted to a single value by `=`.
    private static func isRestrictedByEquality(_ index: Int, _ layout: TableLayout, _ keys: KeyRestrictions) -> Bool {
        let partitionCount = layout.partitionKey.count
        let restriction = index < partitionCount
            ? (index < keys.partition.count ? keys.partition[index] : nil)
            : (index - partitionCount < keys.clusteringEquals.count ? keys.clusteringEquals[index - partitionCount] : nil)
        guard case .list(let values)? = restriction else { return false }
        return values.count == 1
    }
}
