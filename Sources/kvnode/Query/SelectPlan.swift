import CQL
import Coordinator
import KVCore
import Ring

/// A SELECT analysed against its table: what it returns, which partitions and clustering
/// slices it reads, its limits and order, with bind markers numbered.
struct SelectPlan: Sendable {
    /// One output column.
    enum Selected: Sendable {
        case column(SchemaColumn)
        case writeTime(SchemaColumn)
        case timeToLive(SchemaColumn)
        case token
        case countAll
    }

    let layout: TableLayout
    let selected: [Selected]
    let specifications: [ColumnSpecification]
    let keys: KeyRestrictions
    let limit: Operand?
    let perPartitionLimit: Operand?
    /// Rows within a partition come in reverse clustering order (`ORDER BY ... DESC` on an
    /// ascending table, or the other way round).
    let isReversed: Bool
    let markers: [ColumnSpecification]

    var isCount: Bool { selected.count == 1 && { if case .countAll = selected[0] { true } else { false } }() }

    static func analyze(_ select: CQLSelect, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> SelectPlan {
        if select.isJSON || select.isDistinct || !select.groupBy.isEmpty {
            throw ErrorResponse(.invalid, message: "SELECT JSON, DISTINCT and GROUP BY are not supported yet")
        }
        let (selected, specifications) = try selection(select.selection, layout: layout)
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        let keys = try KeyRestrictions.analyze(select.whereClause, layout: layout, forSelect: true, analyzer: &analyzer)
        if !keys.restrictsPartition && (!keys.clusteringEquals.isEmpty || keys.hasSlice) && !select.allowFiltering {
            throw ErrorResponse(.invalid, message: "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING")
        }
        if !keys.restrictsPartition && (!keys.clusteringEquals.isEmpty || keys.hasSlice) {
            throw ErrorResponse(.invalid, message: "Restricting clustering columns without the partition key is not supported yet")
        }
        let perPartitionLimit = try select.perPartitionLimit.map { term throws(ErrorResponse) in
            try analyzer.operand(term, type: .int, name: "[per_partition_limit]")
        }
        let limit = try select.limit.map { term throws(ErrorResponse) in try analyzer.operand(term, type: .int, name: "[limit]") }
        let reversed = try ordering(select.orderBy, layout: layout, keys: keys)
        return SelectPlan(layout: layout, selected: selected, specifications: specifications, keys: keys, limit: limit,
                          perPartitionLimit: perPartitionLimit, isReversed: reversed, markers: analyzer.markers)
    }

    private static func selection(_ selection: CQLSelection,
                                  layout: TableLayout) throws(ErrorResponse) -> ([Selected], [ColumnSpecification]) {
        guard case .selectors(let selectors) = selection else {
            let columns = layout.schema.orderedColumns
            return (columns.map(Selected.column), columns.map { layout.specification($0) })
        }
        var selected: [Selected] = []
        var specifications: [ColumnSpecification] = []
        for selector in selectors {
            let item: Selected
            let spec: ColumnSpecification
            switch selector.expression {
            case .column(let name):
                let column = try layout.column(name)
                item = .column(column)
                spec = layout.specification(column, name: selector.alias)
            case .writeTime(let name), .timeToLive(let name):
                let column = try layout.column(name)
                guard column.kind == .regular || column.kind == .staticColumn else {
                    throw ErrorResponse(.invalid, message: "Cannot use selection function \(Self.functionName(selector.expression)) on PRIMARY KEY part \(name)")
                }
                if case .writeTime = selector.expression {
                    item = .writeTime(column)
                    spec = ColumnSpecification(keyspace: layout.keyspace, table: layout.name,
                                               name: selector.alias ?? "writetime(\(name))", type: .bigint)
                } else {
                    item = .timeToLive(column)
                    spec = ColumnSpecification(keyspace: layout.keyspace, table: layout.name,
                                               name: selector.alias ?? "ttl(\(name))", type: .int)
                }
            case .countAll:
                guard selectors.count == 1 else {
                    throw ErrorResponse(.invalid, message: "count(*) cannot be combined with other selectors yet")
                }
                item = .countAll
                spec = ColumnSpecification(keyspace: layout.keyspace, table: layout.name, name: selector.alias ?? "count", type: .bigint)
            case .functionCall(let name, let arguments) where name.name.lowercased() == "token":
                let names = arguments.compactMap { argument -> String? in
                    if case .column(let column) = argument { column } else { nil }
                }
                guard names == layout.partitionKey.map(\.name) else {
                    throw ErrorResponse(.invalid, message: "token() takes the partition key columns in order")
                }
                item = .token
                spec = ColumnSpecification(keyspace: layout.keyspace, table: layout.name,
                                           name: selector.alias ?? "system.token(\(names.joined(separator: ", ")))", type: .bigint)
            default:
                throw ErrorResponse(.invalid, message: "This selector is not supported yet: \(selector.expression)")
            }
            selected.append(item)
            specifications.append(spec)
        }
        return (selected, specifications)
    }

    private static func functionName(_ expression: CQLSelectorExpression) -> String {
        if case .writeTime = expression { return "writetime" }
        return "ttl"
    }

    /// Whether ORDER BY asks for the reverse of the table's clustering order.
    private static func ordering(_ orderBy: [CQLOrdering], layout: TableLayout,
                                 keys: KeyRestrictions) throws(ErrorResponse) -> Bool {
        guard !orderBy.isEmpty else { return false }
        guard keys.restrictsPartition else {
            throw ErrorResponse(.invalid, message: "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.")
        }
        var reversed: Bool?
        for (index, ordering) in orderBy.enumerated() {
            guard index < layout.clustering.count, layout.clustering[index].name == ordering.column else {
                throw ErrorResponse(.invalid, message: "Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY")
            }
            let flips = ordering.isDescending != layout.clustering[index].descending
            if let reversed, reversed != flips {
                throw ErrorResponse(.invalid, message: "Unsupported order by relation")
            }
            reversed = flips
        }
        return reversed ?? false
    }
}
