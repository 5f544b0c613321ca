import CQL
import Coordinator
import KVCore
import Ring

/// A SELECT analysed against its table: what it returns, which partitions and clustering
/// slices it reads, its limits and order, with bind markers numbered.
final class SelectPlan: Sendable {
    /// One output column.
    enum Selected: Sendable {
        case column(SchemaColumn)
        case writeTime(SchemaColumn)
        case timeToLive(SchemaColumn)
        /// `a.f`: field number `index` of the UDT column `a`.
        case field(SchemaColumn, index: Int)
        case cast(SchemaColumn, to: CQLDataType)
        case token
        case countAll
    }

    let layout: TableLayout
    /// What each raw row read holds (the builder's output). Equal to the result columns
    /// unless `aggregation` folds raw rows into result rows.
    let selected: [Selected]
    /// The result columns.
    let specifications: [ColumnSpecification]
    /// Set for aggregates and GROUP BY.
    let aggregation: AggregationPlan?
    /// SELECT DISTINCT: one row per partition.
    let isDistinct: Bool
    /// SELECT JSON: each result row is one `[json]` text value, an object of the columns.
    let isJSON: Bool
    let keys: KeyRestrictions
    /// What ALLOW FILTERING evaluates on each row read.
    let filter: RowFilter?
    let limit: Operand?
    let perPartitionLimit: Operand?
    /// Rows within a partition come in reverse clustering order (`ORDER BY ... DESC` on an
    /// ascending table, or the other way round).
    let isReversed: Bool
    let markers: [ColumnSpecification]
    /// Whether each partition key it names holds at most one row it returns, with nothing to
    /// fold or filter: every clustering column fixed by `=` or `IN` (or none), no statics, no
    /// aggregate, DISTINCT or ALLOW FILTERING. With one key and one clustering, a point read.
    let readsSingleRows: Bool
    /// What result rows are built from beyond the row's cells.
    let rowInputs: RowInputs

    /// Values a result row may need besides the row's cells: derived per row only when the
    /// selection or the filter uses them.
    struct RowInputs: OptionSet, Sendable {
        let rawValue: UInt8
        static let partitionKeyValues = RowInputs(rawValue: 1)
        static let clusteringValues = RowInputs(rawValue: 2)
        static let token = RowInputs(rawValue: 4)
        static let all: RowInputs = [.partitionKeyValues, .clusteringValues, .token]

        /// The inputs `selected` reads; all of them with a filter (it may test any column).
        init(selected: [Selected], filtered: Bool) {
            guard !filtered else { self = .all; return }
            var inputs: RowInputs = []
            for item in selected {
                switch item {
                case .column(let column), .field(let column, _), .cast(let column, _):
                    if column.kind == .partitionKey { inputs.insert(.partitionKeyValues) }
                    if column.kind == .clustering { inputs.insert(.clusteringValues) }
                case .token: inputs.insert(.token)
                case .writeTime, .timeToLive, .countAll: break
                }
            }
            self = inputs
        }

        init(rawValue: UInt8) { self.rawValue = rawValue }
    }

    // A class, for the same reason as `ModificationPlan`: one reference to copy per request.
    init(layout: TableLayout, selected: [Selected], specifications: [ColumnSpecification], aggregation: AggregationPlan?,
         isDistinct: Bool, isJSON: Bool, keys: KeyRestrictions, filter: RowFilter?, limit: Operand?,
         perPartitionLimit: Operand?, isReversed: Bool, markers: [ColumnSpecification]) {
        self.layout = layout
        self.selected = selected
        self.specifications = specifications
        self.aggregation = aggregation
        self.isDistinct = isDistinct
        self.isJSON = isJSON
        self.keys = keys
        self.filter = filter
        self.limit = limit
        self.perPartitionLimit = perPartitionLimit
        self.isReversed = isReversed
        self.markers = markers
        readsSingleRows = aggregation == nil && !isDistinct && filter == nil && keys.restrictsPartition && !keys.hasToken
            && !keys.hasSlice && keys.clusteringEquals.count == layout.clustering.count && !layout.hasStatics
        rowInputs = RowInputs(selected: selected, filtered: filter != nil)
    }

    /// The columns clients see: `specifications`, or the one `[json]` column.
    var resultSpecifications: [ColumnSpecification] {
        guard isJSON else { return specifications }
        return [ColumnSpecification(keyspace: layout.keyspace, table: layout.name, name: "[json]", type: .varchar)]
    }

    /// Result rows as clients see them: for SELECT JSON, each row as one JSON object.
    func resultRows(_ rows: [[[UInt8]?]]) -> [[[UInt8]?]] {
        guard isJSON else { return rows }
        let names = specifications.map(\.name)
        let types = specifications.map { $0.type.dataType }
        return rows.map { row in
            let values = zip(row, types).map { JSONFormatting.json($0, type: $1) }
            return [Array(JSONFormatting.object(names: names, values: values).utf8)]
        }
    }

    static func analyze(_ select: CQLSelect, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> SelectPlan {
        let (selected, specifications, aggregates) = try selection(select.selection, layout: layout)
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        let (keys, filter) = try KeyRestrictions.analyze(select.whereClause, layout: layout, forSelect: true,
                                                         allowFiltering: select.allowFiltering, analyzer: &analyzer)
        if !keys.restrictsPartition && (!keys.clusteringEquals.isEmpty || keys.hasSlice) {
            throw KeyRestrictions.filteringRefused
        }
        let perPartitionLimit = try select.perPartitionLimit.map { term throws(ErrorResponse) in
            try analyzer.operand(term, type: .int, name: "[per_partition_limit]")
        }
        let limit = try select.limit.map { term throws(ErrorResponse) in try analyzer.operand(term, type: .int, name: "[limit]") }
        let reversed = try ordering(select.orderBy, layout: layout, keys: keys)
        let groupColumns = try AggregationPlan.groupColumns(select.groupBy, layout: layout, keys: keys)
        let aggregation = try AggregationPlan.make(aggregates: aggregates, groupColumns: groupColumns,
                                                   isDistinct: select.isDistinct)
        if select.isDistinct { try validateDistinct(selected, layout: layout, keys: keys) }
        return SelectPlan(layout: layout, selected: selected + groupColumns.map(Selected.column), specifications: specifications,
                          aggregation: aggregation, isDistinct: select.isDistinct, isJSON: select.isJSON, keys: keys, filter: filter, limit: limit,
                          perPartitionLimit: perPartitionLimit, isReversed: reversed, markers: analyzer.markers)
    }

    /// Cassandra's checks on SELECT DISTINCT: only partition key and static columns, all the
    /// partition key columns unless partitions are named, no clustering restriction.
    private static func validateDistinct(_ selected: [Selected], layout: TableLayout,
                                         keys: KeyRestrictions) throws(ErrorResponse) {
        var requested: Set<String> = []
        for item in selected {
            switch item {
            case .column(let column) where column.kind == .partitionKey || column.kind == .staticColumn:
                requested.insert(column.name)
            case .token:
                requested.formUnion(layout.partitionKey.map(\.name))
            case .column(let column), .writeTime(let column), .timeToLive(let column), .field(let column, _),
                 .cast(let column, _):
                throw ErrorResponse(.invalid, message: "SELECT DISTINCT queries must only request partition key columns and/or static columns (not \(column.name))")
            case .countAll:
                throw ErrorResponse(.invalid, message: "SELECT DISTINCT with aggregates or GROUP BY is not supported yet")
            }
        }
        if !keys.clusteringEquals.isEmpty || keys.hasSlice {
            throw ErrorResponse(.invalid, message: "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.")
        }
        guard !keys.restrictsPartition else { return }
        if let missing = layout.partitionKey.first(where: { !requested.contains($0.name) }) {
            throw ErrorResponse(.invalid, message: "SELECT DISTINCT queries must request all the partition key columns (missing \(missing.name))")
        }
    }

    private static func selection(_ selection: CQLSelection,
                                  layout: TableLayout) throws(ErrorResponse) -> ([Selected], [ColumnSpecification], [AggregateFunction?]) {
        guard case .selectors(let selectors) = selection else {
            let columns = layout.schema.orderedColumns
            return (columns.map(Selected.column), columns.map { layout.specification($0) }, columns.map { _ in nil })
        }
        var selected: [Selected] = []
        var specifications: [ColumnSpecification] = []
        var aggregates: [AggregateFunction?] = []
        for selector in selectors {
            let item: Selected
            let spec: ColumnSpecification
            var aggregate: AggregateFunction?
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
                // A non-frozen collection has a timestamp and TTL per element, not one.
                guard !CollectionCells.isMultiCell(column.type) else {
                    throw ErrorResponse(.invalid, message: "Cannot use selection function \(Self.functionName(selector.expression)) on collections")
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
            case .field(let base, let field):
                (item, spec) = try fieldSelection(base, field, alias: selector.alias, layout: layout)
            case .cast(.column(let name), let targetType):
                let column = try layout.column(name)
                let target = try SchemaService.dataType(targetType)
                try CastConversion.check(from: column.type, to: target, column: name)
                item = .cast(column, to: target)
                spec = ColumnSpecification(keyspace: layout.keyspace, table: layout.name,
                                           name: selector.alias ?? "cast(\(name) as \(target))", type: DataTypeOption(target))
            case .countAll:
                item = .countAll
                aggregate = AggregateFunction(kind: .countRows, argumentType: .bigint)
                spec = ColumnSpecification(keyspace: layout.keyspace, table: layout.name, name: selector.alias ?? "count", type: .bigint)
            case .functionCall(let name, let arguments) where arguments.count == 1 && AggregateFunction.isAggregate(name):
                let call = try aggregateCall(name, argument: arguments[0], alias: selector.alias, layout: layout)
                (item, spec, aggregate) = (.column(call.column), call.specification, call.function)
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
            aggregates.append(aggregate)
        }
        return (selected, specifications, aggregates)
    }

    /// `a.f` on a UDT column (frozen or not); the result column is named `a.f`, as in
    /// Cassandra, and has the field's type.
    private static func fieldSelection(_ base: CQLSelectorExpression, _ field: String, alias: String?,
                                       layout: TableLayout) throws(ErrorResponse) -> (Selected, ColumnSpecification) {
        guard case .column(let name) = base else {
            throw ErrorResponse(.invalid, message: "This selector is not supported yet: \(base).\(field)")
        }
        let column = try layout.column(name)
        guard case .udt(_, _, let fields) = column.type.unfrozen else {
            throw ErrorResponse(.invalid, message: "Invalid field selection: \(name) of type \(column.type) is not a user type")
        }
        guard let index = fields.firstIndex(where: { $0.name == field }) else {
            throw ErrorResponse(.invalid, message: "\(name) of type \(column.type) has no field \(field)")
        }
        let specification = ColumnSpecification(keyspace: layout.keyspace, table: layout.name,
                                                 name: alias ?? "\(name).\(field)", type: DataTypeOption(fields[index].type))
        return (.field(column, index: index), specification)
    }

    /// `count(c)`, `min(c)`, ...: the raw rows carry the argument column, folded by the
    /// aggregate into the result column Cassandra names `system.<name>(c)`.
    private static func aggregateCall(_ name: CQLQualifiedName, argument: CQLSelectorExpression, alias: String?,
                                      layout: TableLayout) throws(ErrorResponse) -> (column: SchemaColumn, function: AggregateFunction, specification: ColumnSpecification) {
        guard case .column(let argumentName) = argument else {
            throw ErrorResponse(.invalid, message: "Aggregates over \(argument) are not supported yet; pass a column")
        }
        let column = try layout.column(argumentName)
        let function = try AggregateFunction.named(name, argumentType: column.type)
        let specification = ColumnSpecification(keyspace: layout.keyspace, table: layout.name,
                                                name: alias ?? function.columnName(argument: argumentName),
                                                type: DataTypeOption(function.resultType))
        return (column, function, specification)
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
