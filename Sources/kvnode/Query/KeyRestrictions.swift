import CQL
import KVCore

/// The values one key column is restricted to: a list (`=` is a list of one, `IN (...)`),
/// or a single bind marker for a whole list (`IN ?`). A multi-column `=` or `IN` on
/// clustering columns is `tuples` on its first column and `coveredByTuple` on the others.
enum KeyValues: Sendable {
    case list([Operand])
    case listMarker(Operand, element: CQLDataType)
    case tuples([ComparedValues])
    /// `(a, b) IN ?`: one bound list of tuples.
    case tupleListMarker(Operand, types: [CQLDataType])
    case coveredByTuple

    /// A multi-column restriction's tuples, each as constant values.
    func boundTuples(_ bindings: Bindings) throws(ErrorResponse) -> [ComparedValues] {
        switch self {
        case .tuples(let tuples): return tuples
        case let .tupleListMarker(operand, types):
            let bytes = try bindings.required(operand, what: "IN list of tuples")
            guard case .list(let items)? = try? CQLValue.deserialize(bytes, as: .list(.tuple(types))) else {
                throw ErrorResponse(.invalid, message: "Invalid IN list of tuples")
            }
            var tuples: [ComparedValues] = []
            for item in items {
                guard let serialized = try? item.serialize(as: .tuple(types)) else {
                    throw ErrorResponse(.invalid, message: "Invalid IN list of tuples")
                }
                tuples.append(.tuple(.constant(serialized), types: types))
            }
            return tuples
        default: return []
        }
    }

    /// The distinct serialized values, in the order given.
    func resolve(_ bindings: Bindings, column: String) throws(ErrorResponse) -> [[UInt8]] {
        var values: [[UInt8]] = []
        switch self {
        case .list(let operands):
            for operand in operands { values.append(try bindings.required(operand, what: "column \(column)")) }
        case .tuples, .tupleListMarker, .coveredByTuple:
            preconditionFailure("multi-column values resolve in clusteringPrefixes")
        case let .listMarker(operand, element):
            let bytes = try bindings.required(operand, what: "IN list of column \(column)")
            guard case .list(let items)? = try? CQLValue.deserialize(bytes, as: .list(element)) else {
                throw ErrorResponse(.invalid, message: "Invalid IN list for column \(column)")
            }
            for item in items {
                do {
                    values.append(try item.serialize(as: element))
                } catch {
                    throw ErrorResponse(.invalid, message: "\(error)")
                }
            }
        }
        guard values.count > 1 else { return values }
        var seen = Set<[UInt8]>()
        return values.filter { seen.insert($0).inserted }
    }
}

/// One end of a range restriction: on `token()`, one clustering column, or several.
struct RangeEnd: Sendable {
    var values: ComparedValues
    var isInclusive: Bool

    init(operand: Operand, isInclusive: Bool) {
        self.values = .single(operand)
        self.isInclusive = isInclusive
    }

    init(values: ComparedValues, isInclusive: Bool) {
        self.values = values
        self.isInclusive = isInclusive
    }

    /// The one value of a single-column or token bound.
    var operand: Operand {
        guard case .single(let operand) = values else { preconditionFailure("a multi-column bound has several values") }
        return operand
    }
}

/// The WHERE clause of a statement on a user table, sorted by what it restricts: the
/// partition key, a prefix of clustering columns by equality then at most one slice, and
/// `token(...)` bounds. Cassandra's rules and messages apply.
struct KeyRestrictions: Sendable {
    /// One entry per partition key column, or empty when the partition key is unrestricted.
    var partition: [KeyValues] = []
    /// Clustering columns restricted by `=` or `IN`, a prefix in clustering order.
    var clusteringEquals: [KeyValues] = []
    /// Bounds on the clustering column after that prefix.
    var sliceLower: RangeEnd?
    var sliceUpper: RangeEnd?
    var tokenLower: RangeEnd?
    var tokenUpper: RangeEnd?

    var restrictsPartition: Bool { !partition.isEmpty }
    var hasSlice: Bool { sliceLower != nil || sliceUpper != nil }
    var hasToken: Bool { tokenLower != nil || tokenUpper != nil }

    /// The WHERE clause of an UPDATE or DELETE: key restrictions only.
    static func analyze(_ whereClause: CQLWhereExpression?, layout: TableLayout,
                        analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> KeyRestrictions {
        try analyze(whereClause, layout: layout, forSelect: false, allowFiltering: false, analyzer: &analyzer).keys
    }

    /// `forSelect`: a partly restricted partition key is a scan with a filter (Cassandra's
    /// ALLOW FILTERING answer) rather than a missing key part. With `allowFiltering`, what
    /// the keys cannot serve (`FilterSplit`) becomes the row filter; without it, Cassandra's
    /// errors. Bind markers are numbered in text order across both.
    static func analyze(_ whereClause: CQLWhereExpression?, layout: TableLayout, forSelect: Bool, allowFiltering: Bool,
                        analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> (keys: KeyRestrictions, filter: RowFilter?) {
        guard let whereClause else { return (KeyRestrictions(), nil) }
        let conjuncts = whereClause.topLevelConjuncts
        let filtered = allowFiltering ? FilterSplit.filteredConjuncts(conjuncts, layout: layout) : []
        var filters: [RowFilter] = []
        var partition: [Int: KeyValues] = [:]
        var clustering: [Int: KeyValues] = [:]
        var slices: [Int: (lower: RangeEnd?, upper: RangeEnd?)] = [:]
        var result = KeyRestrictions()
        for (index, conjunct) in conjuncts.enumerated() {
            if filtered.contains(index) {
                filters.append(try RowFilter.analyze(conjunct, layout: layout, analyzer: &analyzer))
                continue
            }
            guard case .relation(let relation) = conjunct else { throw filteringRefused }
            switch relation {
            case let .compare(.column(name), op, term):
                let column = try layout.column(name)
                switch (column.kind, op) {
                case (.partitionKey, .equal):
                    partition[Int(column.position)] = .list([try analyzer.operand(term, type: column.type, name: name)])
                case (.clustering, .equal):
                    clustering[Int(column.position)] = .list([try analyzer.operand(term, type: column.type, name: name)])
                case (.clustering, .lessThan), (.clustering, .lessThanOrEqual), (.clustering, .greaterThan),
                     (.clustering, .greaterThanOrEqual):
                    let end = RangeEnd(operand: try analyzer.operand(term, type: column.type, name: name),
                                       isInclusive: op == .lessThanOrEqual || op == .greaterThanOrEqual)
                    var slice = slices[Int(column.position)] ?? (nil, nil)
                    if op == .lessThan || op == .lessThanOrEqual { slice.upper = end } else { slice.lower = end }
                    slices[Int(column.position)] = slice
                case (.partitionKey, _):
                    throw ErrorResponse(.invalid, message: "Only EQ and IN relation are supported on the partition key (unless you use the token() function)")
                default:
                    throw Self.filteringRefused
                }
            case let .in(.column(name), terms):
                let column = try layout.column(name)
                let values = KeyValues.list(try analyzer.operands(in: terms, type: column.type, name: name))
                try place(values, column: column, partition: &partition, clustering: &clustering)
            case let .inMarker(.column(name), term):
                let column = try layout.column(name)
                let operand = try analyzer.operand(term, type: .list(column.type), name: "in(\(name))")
                try place(.listMarker(operand, element: column.type), column: column, partition: &partition, clustering: &clustering)
            case let .compare(.tuple(names), op, term):
                let (position, columns) = try tupleColumns(names, layout: layout)
                let values = try ComparedValues.analyze(term, columns: columns, analyzer: &analyzer)
                switch op {
                case .equal:
                    placeTuples([values], at: position, width: columns.count, clustering: &clustering)
                case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual:
                    // A tuple slice over mixed orders is not one range of storage order.
                    if columns.contains(where: { $0.descending != columns[0].descending }) {
                        throw ErrorResponse(.invalid, message: "Multi-column slices over clustering columns of mixed ASC and DESC order are not supported")
                    }
                    let end = RangeEnd(values: values, isInclusive: op == .lessThanOrEqual || op == .greaterThanOrEqual)
                    var slice = slices[position] ?? (nil, nil)
                    if op == .lessThan || op == .lessThanOrEqual { slice.upper = end } else { slice.lower = end }
                    slices[position] = slice
                default:
                    throw ErrorResponse(.invalid, message: "Unsupported \"\(op.rawValue)\" relation on multiple columns")
                }
            case let .in(.tuple(names), terms):
                let (position, columns) = try tupleColumns(names, layout: layout)
                var tuples: [ComparedValues] = []
                for term in terms { tuples.append(try ComparedValues.analyze(term, columns: columns, analyzer: &analyzer)) }
                placeTuples(tuples, at: position, width: columns.count, clustering: &clustering)
            case let .inMarker(.tuple(names), term):
                let (position, columns) = try tupleColumns(names, layout: layout)
                let types = columns.map(\.type)
                let operand = try analyzer.operand(term, type: .list(.tuple(types)),
                                                   name: "in((" + names.joined(separator: ",") + "))")
                clustering[position] = .tupleListMarker(operand, types: types)
                for covered in position + 1 ..< position + columns.count { clustering[covered] = .coveredByTuple }
            case let .compare(.token(columns), op, term):
                guard columns == layout.partitionKey.map(\.name) else {
                    throw ErrorResponse(.invalid, message: "The token() function must be applied to all partition key components or none of them")
                }
                let end = RangeEnd(operand: try analyzer.operand(term, type: .bigint, name: "partition key token"),
                                   isInclusive: op == .lessThanOrEqual || op == .greaterThanOrEqual || op == .equal)
                switch op {
                case .greaterThan, .greaterThanOrEqual: result.tokenLower = end
                case .lessThan, .lessThanOrEqual: result.tokenUpper = end
                case .equal:
                    result.tokenLower = end
                    result.tokenUpper = end
                default: throw ErrorResponse(.invalid, message: "Unsupported operator \(op.rawValue) on token()")
                }
            default:
                throw ErrorResponse(.invalid, message: "Unsupported restriction: \(relation)")
            }
        }
        if forSelect && !partition.isEmpty && partition.count < layout.partitionKey.count { throw filteringRefused }
        let filter: RowFilter? = filters.isEmpty ? nil : (filters.count == 1 ? filters[0] : .and(filters))
        result.partition = try Self.ordered(partition, columns: layout.partitionKey, partial: false)
        if !result.partition.isEmpty && result.hasToken {
            throw ErrorResponse(.invalid, message: "Columns of the partition key cannot be restricted by both token() and a value")
        }
        result.clusteringEquals = try Self.ordered(clustering, columns: layout.clustering, partial: true)
        for (position, slice) in slices {
            guard position == result.clusteringEquals.count, slices.count == 1 else {
                let column = layout.clustering[position]
                throw ErrorResponse(.invalid, message: "PRIMARY KEY column \"\(column.name)\" cannot be restricted (preceding column \"\(layout.clustering[max(0, position - 1)].name)\" is not restricted or restricted by a non-EQ relation)")
            }
            result.sliceLower = slice.lower
            result.sliceUpper = slice.upper
        }
        return (result, filter)
    }

    /// Cassandra's answer to a WHERE clause that would need a scan and a filter (the
    /// row-filter API serves those; CQL does not yet).
    static let filteringRefused = ErrorResponse(.invalid, message: "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING")

    /// The clustering columns of a multi-column relation: consecutive, in key order.
    private static func tupleColumns(_ names: [String], layout: TableLayout) throws(ErrorResponse) -> (Int, [SchemaColumn]) {
        var columns: [SchemaColumn] = []
        for name in names {
            let column = try layout.column(name)
            guard column.kind == .clustering else {
                throw ErrorResponse(.invalid, message: "Multi-column relations can only be applied to clustering columns but was applied to: \(name)")
            }
            columns.append(column)
        }
        let first = Int(columns[0].position)
        guard columns.enumerated().allSatisfy({ Int($1.position) == first + $0 }) else {
            throw ErrorResponse(.invalid, message: "Clustering columns must appear in the PRIMARY KEY order in multi-column relations: (\(names.joined(separator: ", ")))")
        }
        return (first, columns)
    }

    private static func placeTuples(_ tuples: [ComparedValues], at position: Int, width: Int,
                                    clustering: inout [Int: KeyValues]) {
        clustering[position] = .tuples(tuples)
        for covered in position + 1 ..< position + width { clustering[covered] = .coveredByTuple }
    }

    private static func place(_ values: KeyValues, column: SchemaColumn, partition: inout [Int: KeyValues],
                              clustering: inout [Int: KeyValues]) throws(ErrorResponse) {
        switch column.kind {
        case .partitionKey: partition[Int(column.position)] = values
        case .clustering: clustering[Int(column.position)] = values
        default:
            throw ErrorResponse(.invalid, message: "IN restrictions are only supported on primary key columns (\(column.name))")
        }
    }

    /// The restrictions by column position, checked to be complete (partition key) or a
    /// prefix (clustering).
    private static func ordered(_ restricted: [Int: KeyValues], columns: [SchemaColumn],
                                partial: Bool) throws(ErrorResponse) -> [KeyValues] {
        guard !restricted.isEmpty else { return [] }
        var ordered: [KeyValues] = []
        for (position, column) in columns.enumerated() {
            guard let values = restricted[position] else {
                if !partial {
                    let missing = columns.filter { restricted[Int($0.position)] == nil }.map(\.name)
                    throw ErrorResponse(.invalid, message: "Some partition key parts are missing: \(missing.joined(separator: ", "))")
                }
                if let later = restricted.keys.filter({ $0 > position }).min() {
                    throw ErrorResponse(.invalid, message: "PRIMARY KEY column \"\(columns[later].name)\" cannot be restricted as preceding column \"\(column.name)\" is not restricted")
                }
                break
            }
            ordered.append(values)
        }
        return ordered
    }

    // MARK: Resolution

    /// Every storage partition key the restrictions name (the cartesian product of IN lists).
    func partitionKeys(_ layout: TableLayout, _ bindings: Bindings) throws(ErrorResponse) -> [[UInt8]] {
        if let key = try onlyPartitionKey(layout, bindings) { return [key] }
        var combinations: [[[UInt8]]] = [[]]
        for (index, values) in partition.enumerated() {
            let resolved = try values.resolve(bindings, column: layout.partitionKey[index].name)
            if resolved.count == 1 {
                for combination in combinations.indices { combinations[combination].append(resolved[0]) }
                continue
            }
            combinations = combinations.flatMap { prefix in resolved.map { prefix + [$0] } }
            guard combinations.count <= 10_000 else { throw ErrorResponse(.invalid, message: "IN restrictions name more than 10000 partitions") }
        }
        var keys: [[UInt8]] = []
        for combination in combinations { keys.append(try layout.storageKey(partitionValues: combination)) }
        return keys
    }

    /// The partition key when the restrictions name exactly one, else nil. The point
    /// requests' case first, with no array of keys built (a malloc per request, perf).
    func singlePartitionKey(_ layout: TableLayout, _ bindings: Bindings) throws(ErrorResponse) -> [UInt8]? {
        if let key = try onlyPartitionKey(layout, bindings) { return key }
        let keys = try partitionKeys(layout, bindings)
        return keys.count == 1 ? keys[0] : nil
    }

    /// The partition key when one `=` restricts a one-column key, the point requests' case
    /// (no combinations to build); nil for any other restriction.
    func onlyPartitionKey(_ layout: TableLayout, _ bindings: Bindings) throws(ErrorResponse) -> [UInt8]? {
        guard partition.count == 1, case .list(let operands) = partition[0], operands.count == 1 else { return nil }
        let value = try bindings.required(operands[0], what: "column \(layout.partitionKey[0].name)")
        return try layout.storageKey(serializedKey: value)
    }

    /// The one empty prefix, shared: tables without clustering columns name it on every write.
    private static let emptyPrefixOnly: [[[UInt8]]] = [[]]

    /// Every clustering prefix the equality restrictions name, encoded.
    func clusteringPrefixes(_ layout: TableLayout, _ bindings: Bindings) throws(ErrorResponse) -> [[[UInt8]]] {
        if clusteringEquals.isEmpty { return Self.emptyPrefixOnly }
        var combinations: [[[UInt8]]] = [[]]
        for (index, values) in clusteringEquals.enumerated() {
            let name = layout.clustering[index].name
            let resolved: [[[UInt8]]]
            switch values {
            case .coveredByTuple: continue
            case .tuples, .tupleListMarker:
                var all: [[[UInt8]]] = []
                for tuple in try values.boundTuples(bindings) {
                    all.append(try tuple.resolve(bindings, what: "clustering columns from \(name)"))
                }
                var seen = Set<[[UInt8]]>()
                resolved = all.filter { seen.insert($0).inserted }
            default:
                resolved = try values.resolve(bindings, column: name).map { [$0] }
            }
            combinations = combinations.flatMap { prefix in resolved.map { prefix + $0 } }
            guard combinations.count <= 10_000 else { throw ErrorResponse(.invalid, message: "IN restrictions name more than 10000 rows") }
        }
        return combinations
    }
}
