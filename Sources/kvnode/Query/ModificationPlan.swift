import CQL
import Coordinator
import KVCore

/// An INSERT, UPDATE or DELETE analysed against its table: which partitions and rows it
/// names, what it writes, with bind markers numbered. `mutations(_:)` builds the
/// partition updates of one execution. A class: a plan is passed along and copied per
/// request, and a struct's copy retained each of its fields (perf: a tenth of the
/// reference counting on the write path).
final class ModificationPlan: Sendable {
    enum Kind: Sendable { case insert, update, delete }

    let layout: TableLayout
    let kind: Kind
    let keys: KeyRestrictions
    /// INSERT and UPDATE: the columns written. DELETE: the columns or elements deleted;
    /// empty deletes rows (or a range, or the partition).
    let writes: [ColumnWrite]
    let timeToLive: Operand?
    let timestamp: Operand?
    let markers: [ColumnSpecification]
    /// `INSERT ... JSON`: the document, expanded into columns per execution.
    let json: JSONInsert?
    /// `writes` of static columns, and of the others, apart (each execution splits them).
    private let staticWrites: [ColumnWrite]
    private let regularWrites: [ColumnWrite]
    /// Whether some write reads the current list first (`rowsToRead`).
    private let readsCurrentLists: Bool
    /// For a plain INSERT (simple values of regular columns, no TTL or timestamp of its own
    /// or the table's), its writes in column order: each execution is then one row, encoded
    /// straight into a `SingleRowWrite` (`singleRowWrite`). Nil for every other statement.
    let simpleRowWrites: [ColumnWrite]?

    init(layout: TableLayout, kind: Kind, keys: KeyRestrictions, writes: [ColumnWrite], timeToLive: Operand?,
         timestamp: Operand?, markers: [ColumnSpecification], json: JSONInsert? = nil) {
        self.layout = layout
        self.kind = kind
        self.keys = keys
        self.writes = writes
        self.timeToLive = timeToLive
        self.timestamp = timestamp
        self.markers = markers
        self.json = json
        staticWrites = writes.filter { $0.column.kind == .staticColumn }
        regularWrites = writes.filter { $0.column.kind != .staticColumn }
        readsCurrentLists = writes.contains(where: \.readsCurrentList)
        simpleRowWrites = Self.simpleRowWrites(kind: kind, writes: writes, layout: layout, keys: keys,
                                               timeToLive: timeToLive, timestamp: timestamp, json: json)
    }

    // MARK: Analysis

    static func insert(_ insert: CQLInsert, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> ModificationPlan {
        guard insert.condition == nil else { throw unsupportedConditions }
        let names: [String], values: [CQLTerm]
        switch insert.values {
        case let .columns(columnNames, columnValues): (names, values) = (columnNames, columnValues)
        case .json(let document): return try json(document, insert: insert, layout: layout, context: context)
        }
        guard names.count == values.count else {
            throw ErrorResponse(.invalid, message: "Unmatched column names/values")
        }
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        var keyValues: [String: Operand] = [:]
        var writes: [ColumnWrite] = []
        var seen = Set<String>()
        for (name, term) in zip(names, values) {
            guard seen.insert(name).inserted else {
                throw ErrorResponse(.invalid, message: "Multiple definitions found for column \(name)")
            }
            let column = try layout.column(name)
            let operand = try analyzer.operand(term, type: column.type, name: name)
            if column.kind == .partitionKey || column.kind == .clustering {
                keyValues[name] = operand
            } else {
                try checkWritable(column)
                writes.append(ColumnWrite(column: column, operation: .set(operand)))
            }
        }
        let missingPartition = layout.partitionKey.filter { keyValues[$0.name] == nil }.map(\.name)
        guard missingPartition.isEmpty else {
            throw ErrorResponse(.invalid, message: "Some partition key parts are missing: \(missingPartition.joined(separator: ", "))")
        }
        // Without clustering values an INSERT may only write static columns.
        let missingClustering = layout.clustering.filter { keyValues[$0.name] == nil }.map(\.name)
        let onlyStatics = writes.contains { $0.column.kind == .staticColumn }
            && writes.allSatisfy { $0.column.kind != .regular }
        if !missingClustering.isEmpty && !(onlyStatics && missingClustering.count == layout.clustering.count) {
            throw ErrorResponse(.invalid, message: "Some clustering keys are missing: \(missingClustering.joined(separator: ", "))")
        }
        var keys = KeyRestrictions()
        keys.partition = layout.partitionKey.compactMap { keyValues[$0.name].map { .list([$0]) } }
        keys.clusteringEquals = layout.clustering.compactMap { keyValues[$0.name].map { .list([$0]) } }
        let (ttl, timestamp) = try using(insert.using, analyzer: &analyzer)
        return ModificationPlan(layout: layout, kind: .insert, keys: keys, writes: writes,
                                timeToLive: ttl, timestamp: timestamp, markers: analyzer.markers)
    }

    static func update(_ update: CQLUpdate, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> ModificationPlan {
        guard update.condition == nil else { throw unsupportedConditions }
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        let (ttl, timestamp) = try using(update.using, analyzer: &analyzer)
        var writes: [ColumnWrite] = []
        for assignment in update.assignments {
            writes.append(try ColumnWrite.analyze(assignment, layout: layout, analyzer: &analyzer))
        }
        let keys = try KeyRestrictions.analyze(update.whereClause, layout: layout, analyzer: &analyzer)
        try checkFullKey(keys, layout: layout, staticOnly: writes.allSatisfy { $0.column.kind == .staticColumn })
        return ModificationPlan(layout: layout, kind: .update, keys: keys, writes: writes,
                                timeToLive: ttl, timestamp: timestamp, markers: analyzer.markers)
    }

    static func delete(_ delete: CQLDelete, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> ModificationPlan {
        guard delete.condition == nil else { throw unsupportedConditions }
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        var writes: [ColumnWrite] = []
        for target in delete.selection {
            writes.append(try ColumnWrite.analyze(target, layout: layout, analyzer: &analyzer))
        }
        if delete.using.timeToLive != nil {
            throw ErrorResponse(.invalid, message: "Cannot provide custom TTL for DELETE statements")
        }
        let (_, timestamp) = try using(delete.using, analyzer: &analyzer)
        let keys = try KeyRestrictions.analyze(delete.whereClause, layout: layout, analyzer: &analyzer)
        guard keys.restrictsPartition else {
            throw ErrorResponse(.invalid, message: "Some partition key parts are missing: \(layout.partitionKey.map(\.name).joined(separator: ", "))")
        }
        if keys.hasToken { throw ErrorResponse(.invalid, message: "The token function cannot be used in WHERE clauses for DELETE statements") }
        if !writes.isEmpty {
            try checkFullKey(keys, layout: layout, staticOnly: writes.allSatisfy { $0.column.kind == .staticColumn })
        }
        return ModificationPlan(layout: layout, kind: .delete, keys: keys, writes: writes,
                                timeToLive: nil, timestamp: timestamp, markers: analyzer.markers)
    }

    /// Refuses `IF EXISTS`, `IF NOT EXISTS` and `IF <condition>` before anything is written:
    /// applying such a statement unconditionally would break the caller's invariant.
    private static let unsupportedConditions = ErrorResponse(
        .invalid,
        message: "Conditional updates (IF EXISTS, IF NOT EXISTS, IF <condition>) need lightweight transactions, "
            + "which are not supported yet")

    private static func checkWritable(_ column: SchemaColumn) throws(ErrorResponse) {
        if case .counter = column.type { throw ErrorResponse(.invalid, message: "Counters are not supported") }
    }

    static func using(_ using: CQLUsing, analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> (Operand?, Operand?) {
        let ttl = try using.timeToLive.map { term throws(ErrorResponse) in try analyzer.operand(term, type: .int, name: "[ttl]") }
        let timestamp = try using.timestamp.map { term throws(ErrorResponse) in
            try analyzer.operand(term, type: .bigint, name: "[timestamp]")
        }
        return (ttl, timestamp)
    }

    /// UPDATE and column DELETE name whole rows: the full key by equality, except that only
    /// the partition key is needed when every column written is static.
    private static func checkFullKey(_ keys: KeyRestrictions, layout: TableLayout, staticOnly: Bool) throws(ErrorResponse) {
        guard keys.restrictsPartition else {
            throw ErrorResponse(.invalid, message: "Some partition key parts are missing: \(layout.partitionKey.map(\.name).joined(separator: ", "))")
        }
        if keys.hasSlice {
            throw ErrorResponse(.invalid, message: "Slice restrictions are not supported on the clustering columns in UPDATE statements")
        }
        if staticOnly && keys.clusteringEquals.isEmpty { return }
        if keys.clusteringEquals.count < layout.clustering.count {
            let missing = layout.clustering[keys.clusteringEquals.count...].map(\.name)
            throw ErrorResponse(.invalid, message: "Some clustering keys are missing: \(missing.joined(separator: ", "))")
        }
    }

    // MARK: Execution

    /// A row of a table: where list operations read their list's current elements.
    struct RowAddress: Hashable, Sendable {
        var partitionKey: [UInt8]
        var clustering: [UInt8]
    }

    /// The rows whose current lists an execution must read first (empty for most writes:
    /// only list operations by index or value read).
    func rowsToRead(_ bindings: Bindings) throws(ErrorResponse) -> [RowAddress] {
        guard readsCurrentLists else { return [] }
        let reading = writes.filter(\.readsCurrentList)
        var clusterings: [[UInt8]] = []
        if reading.contains(where: { $0.column.kind == .staticColumn }) { clusterings.append([]) }
        if reading.contains(where: { $0.column.kind != .staticColumn }) {
            for prefix in try keys.clusteringPrefixes(layout, bindings) { clusterings.append(try layout.clusteringKey(prefix)) }
        }
        return try keys.partitionKeys(layout, bindings).flatMap { key in
            clusterings.map { RowAddress(partitionKey: key, clustering: $0) }
        }
    }

    /// The partition updates of one execution, with `writeTimestamp` unless the statement
    /// names its own. `currentRows` holds the live rows `rowsToRead` named.
    func mutations(_ bindings: Bindings, writeTimestamp: Int64, nowSeconds: Int64, uniquifier: UInt32 = 0,
                   statement: Int = 0, currentRows: [RowAddress: Row] = [:]) throws(ErrorResponse) -> [Mutation] {
        if let json {
            return try expanded(json, bindings).mutations(bindings, writeTimestamp: writeTimestamp, nowSeconds: nowSeconds,
                                                          uniquifier: uniquifier, statement: statement, currentRows: currentRows)
        }
        if let timestamp, case .value(nil) = try bindings.resolve(timestamp) {
            throw ErrorResponse(.invalid, message: "Invalid null value of timestamp")
        }
        let timestamp = try bindings.integer(self.timestamp, what: "timestamp") ?? writeTimestamp
        guard timestamp != Int64.min else { throw ErrorResponse(.invalid, message: "Invalid timestamp") }
        let writer = CellWriter(timestamp: timestamp, ttl: try timeToLiveSeconds(bindings), now: nowSeconds,
                                uniquifier: uniquifier, statement: statement)
        let partitions = try keys.partitionKeys(layout, bindings)
        let prefixes = try keys.clusteringPrefixes(layout, bindings)
        var updates: [Mutation] = []
        updates.reserveCapacity(partitions.count)
        for key in partitions {
            var update = PartitionUpdate(partitionKey: key)
            if kind == .delete && writes.isEmpty {
                try deleteRows(into: &update, prefixes: prefixes, bindings: bindings, writer: writer)
            } else {
                try writeColumns(into: &update, prefixes: prefixes, bindings: bindings, writer: writer, currentRows: currentRows)
            }
            // One row, the usual write, is in order already (sorting it still cost a call into the sort).
            if update.rows.count > 1 { update.rows.sort { $0.clustering.lexicographicallyPrecedes($1.clustering) } }
            updates.append(Mutation(table: layout.schema.id, update: update))
        }
        return updates
    }

    /// The TTL of this execution's cells: the table's `default_time_to_live` when the
    /// statement names none or its marker is unset; `USING TTL 0` means no TTL at all, as in
    /// Cassandra. A null TTL is refused, as Cassandra refuses it.
    private func timeToLiveSeconds(_ bindings: Bindings) throws(ErrorResponse) -> Int32 {
        if let timeToLive, case .value(nil) = try bindings.resolve(timeToLive) {
            throw ErrorResponse(.invalid, message: "Invalid null value of TTL")
        }
        let ttl = try bindings.integer(timeToLive, what: "ttl").map { Int32(clamping: $0) } ?? layout.schema.defaultTimeToLive
        guard ttl >= 0, ttl <= 630_720_000 else {
            throw ErrorResponse(.invalid, message: "ttl is out of range [0, 630720000]: \(ttl)")
        }
        return ttl
    }

    /// The cells of `writes` (values, collection operations, column deletions): static
    /// columns in the partition's static row, the others in each named row.
    private func writeColumns(into update: inout PartitionUpdate, prefixes: [[[UInt8]]], bindings: Bindings,
                              writer: CellWriter, currentRows: [RowAddress: Row]) throws(ErrorResponse) {
        /// `first`: a cell to lead the others (the row marker).
        func cells(_ selected: [ColumnWrite], clustering: [UInt8], first: Cell? = nil) throws(ErrorResponse) -> [Cell] {
            guard !selected.isEmpty || first != nil else { return [] }
            let current = currentRows.isEmpty
                ? nil : currentRows[RowAddress(partitionKey: update.partitionKey, clustering: clustering)]
            var cells: [Cell] = []
            cells.reserveCapacity(selected.count + 1)
            if let first { cells.append(first) }
            for write in selected {
                let list = write.readsCurrentList
                    ? (current?.cells.filter { $0.column == write.column.id && !$0.path.isEmpty } ?? []) : []
                try writer.append(write, bindings: bindings, currentList: list, to: &cells)
            }
            return cells
        }
        let statics = try cells(staticWrites, clustering: [])
        if !statics.isEmpty { update.rows.append(Row(clustering: [], unsortedCells: statics)) }
        // Without a full clustering (a static-only write) there is no regular row to write.
        let writesRow = keys.clusteringEquals.count == layout.clustering.count
            && (kind == .insert || !regularWrites.isEmpty)
        guard writesRow else { return }
        for prefix in prefixes {
            let clustering = try layout.clusteringKey(prefix)
            // The row marker keeps an inserted row alive with every other column null. It
            // goes first, where its column (0) sorts, so the row needs no sorting.
            let marker = kind == .insert ? writer.cell(Cell.rowMarkerColumn, value: []) : nil
            let regular = try cells(regularWrites, clustering: clustering, first: marker)
            if !regular.isEmpty { update.rows.append(Row(clustering: clustering, unsortedCells: regular)) }
        }
    }

    /// DELETE of whole rows, a clustering range, or the partition.
    private func deleteRows(into update: inout PartitionUpdate, prefixes: [[[UInt8]]], bindings: Bindings,
                            writer: CellWriter) throws(ErrorResponse) {
        let deletion = DeletionTime(timestamp: writer.timestamp, localSeconds: writer.now)
        if keys.clusteringEquals.isEmpty && !keys.hasSlice {
            update.partitionDeletion = deletion
            return
        }
        for prefix in prefixes {
            let encoded = try layout.clusteringKey(prefix)
            if prefix.count == layout.clustering.count {
                update.rows.append(Row(clustering: encoded, deletion: deletion))
                continue
            }
            let (start, end) = try sliceBounds(prefix: prefix, bindings: bindings)
            update.rangeTombstones.append(RangeTombstone(start: start, end: end, deletion: deletion))
        }
    }

    /// The clustering bounds of an equality prefix followed by the slice restriction, if any.
    func sliceBounds(prefix: [[UInt8]], bindings: Bindings) throws(ErrorResponse) -> (ClusteringBound, ClusteringBound) {
        try SliceBounds.make(prefix: prefix, lower: keys.sliceLower, upper: keys.sliceUpper, layout: layout, bindings: bindings)
    }
}

/// Clustering bounds for `prefix` then an optional slice on the next column. The slice's
/// direction flips for a descending column (storage order is then reversed).
enum SliceBounds {
    static func make(prefix: [[UInt8]], lower: RangeEnd?, upper: RangeEnd?, layout: TableLayout,
                     bindings: Bindings) throws(ErrorResponse) -> (ClusteringBound, ClusteringBound) {
        let base = try layout.clusteringKey(prefix)
        var start = ClusteringBound(prefix: base, isInclusive: true)
        var end = ClusteringBound(prefix: base, isInclusive: true)
        guard prefix.count < layout.clustering.count else { return (start, end) }
        let descending = layout.clustering[prefix.count].descending
        func bound(_ rangeEnd: RangeEnd) throws(ErrorResponse) -> ClusteringBound {
            let values = try rangeEnd.values.resolve(bindings, what: "clustering column \(layout.clustering[prefix.count].name)")
            return ClusteringBound(prefix: try layout.clusteringKey(prefix + values), isInclusive: rangeEnd.isInclusive)
        }
        let storageLower = descending ? upper : lower
        let storageUpper = descending ? lower : upper
        if let storageLower { start = try bound(storageLower) }
        if let storageUpper { end = try bound(storageUpper) }
        return (start, end)
    }
}
