import CQL
import Coordinator
import KVCore

/// An INSERT, UPDATE or DELETE analysed against its table: which partitions and rows it
/// names, what it writes, with bind markers numbered. `mutations(_:)` builds the
/// partition updates of one execution.
struct ModificationPlan: Sendable {
    enum Kind: Sendable { case insert, update, delete }

    /// A column write: a value (nil writes a tombstone).
    struct Assignment: Sendable {
        var column: SchemaColumn
        var operand: Operand
    }

    let layout: TableLayout
    let kind: Kind
    let keys: KeyRestrictions
    let assignments: [Assignment]
    /// DELETE of named columns; empty deletes rows (or a range, or the partition).
    let deletedColumns: [SchemaColumn]
    let timeToLive: Operand?
    let timestamp: Operand?
    let markers: [ColumnSpecification]

    // MARK: Analysis

    static func insert(_ insert: CQLInsert, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> ModificationPlan {
        guard insert.condition == nil else { throw unsupportedConditions }
        guard case let .columns(names, values) = insert.values else {
            throw ErrorResponse(.invalid, message: "INSERT JSON is not supported yet")
        }
        guard names.count == values.count else {
            throw ErrorResponse(.invalid, message: "Unmatched column names/values")
        }
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        var keyValues: [String: CQLTerm] = [:]
        var assignments: [Assignment] = []
        var seen = Set<String>()
        for (name, term) in zip(names, values) {
            guard seen.insert(name).inserted else {
                throw ErrorResponse(.invalid, message: "Multiple definitions found for column \(name)")
            }
            let column = try layout.column(name)
            let operand = try analyzer.operand(term, type: column.type, name: name)
            if column.kind == .partitionKey || column.kind == .clustering {
                keyValues[name] = term
                assignments.append(Assignment(column: column, operand: operand))
            } else {
                try checkWritable(column)
                assignments.append(Assignment(column: column, operand: operand))
            }
        }
        let missingPartition = layout.partitionKey.filter { keyValues[$0.name] == nil }.map(\.name)
        guard missingPartition.isEmpty else {
            throw ErrorResponse(.invalid, message: "Some partition key parts are missing: \(missingPartition.joined(separator: ", "))")
        }
        // Without clustering values an INSERT may only write static columns.
        let missingClustering = layout.clustering.filter { keyValues[$0.name] == nil }.map(\.name)
        let onlyStatics = assignments.contains { $0.column.kind == .staticColumn }
            && assignments.allSatisfy { $0.column.kind != .regular }
        if !missingClustering.isEmpty && !(onlyStatics && missingClustering.count == layout.clustering.count) {
            throw ErrorResponse(.invalid, message: "Some clustering keys are missing: \(missingClustering.joined(separator: ", "))")
        }
        // Key operands were numbered in text order above; split them out.
        func operand(_ column: SchemaColumn) -> KeyValues? {
            assignments.first { $0.column.id == column.id }.map { .list([$0.operand]) }
        }
        var keys = KeyRestrictions()
        keys.partition = layout.partitionKey.compactMap(operand)
        keys.clusteringEquals = layout.clustering.compactMap(operand)
        let written = assignments.filter { $0.column.kind != .partitionKey && $0.column.kind != .clustering }
        let (ttl, timestamp) = try using(insert.using, analyzer: &analyzer)
        return ModificationPlan(layout: layout, kind: .insert, keys: keys, assignments: written, deletedColumns: [],
                                timeToLive: ttl, timestamp: timestamp, markers: analyzer.markers)
    }

    static func update(_ update: CQLUpdate, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> ModificationPlan {
        guard update.condition == nil else { throw unsupportedConditions }
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        let (ttl, timestamp) = try using(update.using, analyzer: &analyzer)
        var assignments: [Assignment] = []
        for assignment in update.assignments {
            guard case let .set(name, term) = assignment else {
                throw ErrorResponse(.invalid, message: "Collection and counter operations in UPDATE are not supported yet; assign whole values")
            }
            let column = try layout.column(name)
            guard column.kind != .partitionKey && column.kind != .clustering else {
                throw ErrorResponse(.invalid, message: "PRIMARY KEY part \(name) found in SET part")
            }
            try checkWritable(column)
            assignments.append(Assignment(column: column, operand: try analyzer.operand(term, type: column.type, name: name)))
        }
        let keys = try KeyRestrictions.analyze(update.whereClause, layout: layout, analyzer: &analyzer)
        try checkFullKey(keys, layout: layout, staticOnly: assignments.allSatisfy { $0.column.kind == .staticColumn })
        return ModificationPlan(layout: layout, kind: .update, keys: keys, assignments: assignments, deletedColumns: [],
                                timeToLive: ttl, timestamp: timestamp, markers: analyzer.markers)
    }

    static func delete(_ delete: CQLDelete, layout: TableLayout, context: TermContext) throws(ErrorResponse) -> ModificationPlan {
        guard delete.condition == nil else { throw unsupportedConditions }
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        var columns: [SchemaColumn] = []
        for target in delete.selection {
            guard case .column(let name) = target else {
                throw ErrorResponse(.invalid, message: "Deleting collection elements is not supported yet")
            }
            let column = try layout.column(name)
            guard column.kind != .partitionKey && column.kind != .clustering else {
                throw ErrorResponse(.invalid, message: "Invalid identifier \(name) for deletion (should not be a PRIMARY KEY part)")
            }
            columns.append(column)
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
        if !columns.isEmpty {
            try checkFullKey(keys, layout: layout, staticOnly: columns.allSatisfy { $0.kind == .staticColumn })
        }
        return ModificationPlan(layout: layout, kind: .delete, keys: keys, assignments: [], deletedColumns: columns,
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

    private static func using(_ using: CQLUsing, analyzer: inout OperandAnalyzer) throws(ErrorResponse) -> (Operand?, Operand?) {
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

    /// The partition updates of one execution, with `writeTimestamp` unless the statement
    /// names its own.
    func mutations(_ bindings: Bindings, writeTimestamp: Int64, nowSeconds: Int64) throws(ErrorResponse) -> [Mutation] {
        let timestamp = try bindings.integer(self.timestamp, what: "timestamp") ?? writeTimestamp
        guard timestamp != Int64.min else { throw ErrorResponse(.invalid, message: "Invalid timestamp") }
        let ttl = try timeToLiveSeconds(bindings)
        let partitions = try keys.partitionKeys(layout, bindings)
        let prefixes = try keys.clusteringPrefixes(layout, bindings)
        var updates: [Mutation] = []
        for key in partitions {
            var update = PartitionUpdate(partitionKey: key)
            switch kind {
            case .insert, .update:
                try write(into: &update, prefixes: prefixes, bindings: bindings, timestamp: timestamp, ttl: ttl, now: nowSeconds)
            case .delete:
                try delete(into: &update, prefixes: prefixes, bindings: bindings, timestamp: timestamp, now: nowSeconds)
            }
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

    private func cell(_ column: SchemaColumn, _ value: [UInt8]?, timestamp: Int64, ttl: Int32, now: Int64) -> Cell {
        guard let value else { return .tombstone(column: column.id, timestamp: timestamp, nowSeconds: now) }
        if ttl > 0 { return .expiring(column: column.id, timestamp: timestamp, value: value, ttlSeconds: ttl, nowSeconds: now) }
        return .live(column: column.id, timestamp: timestamp, value: value)
    }

    private func write(into update: inout PartitionUpdate, prefixes: [[[UInt8]]], bindings: Bindings,
                       timestamp: Int64, ttl: Int32, now: Int64) throws(ErrorResponse) {
        var regular: [Cell] = []
        var statics: [Cell] = []
        for assignment in assignments {
            guard case .value(let value) = try bindings.resolve(assignment.operand) else { continue }
            if let value, value.count > 65_535 * 16 * 16 {
                throw ErrorResponse(.invalid, message: "Value of column \(assignment.column.name) is too large (\(value.count) bytes)")
            }
            // An empty non-frozen collection is no collection: Cassandra reads it as null.
            let isEmptyCollection = assignment.column.type.isCollection && !assignment.column.type.isFrozen
                && value == [0, 0, 0, 0]
            let written = cell(assignment.column, isEmptyCollection ? nil : value, timestamp: timestamp, ttl: ttl, now: now)
            if assignment.column.kind == .staticColumn { statics.append(written) } else { regular.append(written) }
        }
        // Without a clustering (a static-only write) there is no regular row to write.
        let writesRow = keys.clusteringEquals.count == layout.clustering.count
            && !(kind == .update && assignments.allSatisfy { $0.column.kind == .staticColumn })
        if kind == .insert && writesRow {
            // The row marker keeps an inserted row alive with every other column null.
            regular.append(cell(SchemaColumn.rowMarker, [], timestamp: timestamp, ttl: ttl, now: now))
        }
        if !statics.isEmpty { update.rows.append(Row(clustering: [], unsortedCells: statics)) }
        guard !regular.isEmpty, writesRow else { return }
        for prefix in prefixes {
            update.rows.append(Row(clustering: try layout.clusteringKey(prefix), unsortedCells: regular))
        }
        update.rows.sort { $0.clustering.lexicographicallyPrecedes($1.clustering) }
    }

    private func delete(into update: inout PartitionUpdate, prefixes: [[[UInt8]]], bindings: Bindings,
                        timestamp: Int64, now: Int64) throws(ErrorResponse) {
        let deletion = DeletionTime(timestamp: timestamp, localSeconds: now)
        if !deletedColumns.isEmpty {
            let statics = deletedColumns.filter { $0.kind == .staticColumn }
            let regular = deletedColumns.filter { $0.kind != .staticColumn }
            if !statics.isEmpty {
                update.rows.append(Row(clustering: [], unsortedCells: statics.map {
                    .tombstone(column: $0.id, timestamp: timestamp, nowSeconds: now)
                }))
            }
            if !regular.isEmpty {
                for prefix in prefixes {
                    update.rows.append(Row(clustering: try layout.clusteringKey(prefix), unsortedCells: regular.map {
                        .tombstone(column: $0.id, timestamp: timestamp, nowSeconds: now)
                    }))
                }
            }
            update.rows.sort { $0.clustering.lexicographicallyPrecedes($1.clustering) }
            return
        }
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
        update.rows.sort { $0.clustering.lexicographicallyPrecedes($1.clustering) }
    }

    /// The clustering bounds of an equality prefix followed by the slice restriction, if any.
    func sliceBounds(prefix: [[UInt8]], bindings: Bindings) throws(ErrorResponse) -> (ClusteringBound, ClusteringBound) {
        try SliceBounds.make(prefix: prefix, lower: keys.sliceLower, upper: keys.sliceUpper, layout: layout, bindings: bindings)
    }
}

extension SchemaColumn {
    /// The storage engine's row marker, column 0 (primary-key liveness of INSERTed rows).
    static let rowMarker = SchemaColumn(id: Cell.rowMarkerColumn, name: "", kind: .regular, position: -1,
                                        descending: false, type: .blob)
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
            let value = try bindings.required(rangeEnd.operand, what: "clustering column \(layout.clustering[prefix.count].name)")
            return ClusteringBound(prefix: try layout.clusteringKey(prefix + [value]), isInclusive: rangeEnd.isInclusive)
        }
        let storageLower = descending ? upper : lower
        let storageUpper = descending ? lower : upper
        if let storageLower { start = try bound(storageLower) }
        if let storageUpper { end = try bound(storageUpper) }
        return (start, end)
    }
}
