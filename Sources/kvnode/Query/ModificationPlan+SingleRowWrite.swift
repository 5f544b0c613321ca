import CQL
import KVCore
import LSMStore

/// The plain INSERT's way to storage: its one row encoded straight for the commit log,
/// without the `Mutation`, `Row` and `Cell`s `mutations` builds (perf: building them and
/// encoding them again took a tenth of a node's CPU on writes).
extension ModificationPlan {
    /// `simpleRowWrites` of a plan with these parts: its writes in column order when every
    /// execution writes one row of simple values at the execution's own timestamp and no
    /// TTL (the table's default TTL included), else nil.
    static func simpleRowWrites(kind: Kind, writes: [ColumnWrite], layout: TableLayout, keys: KeyRestrictions,
                                timeToLive: Operand?, timestamp: Operand?, json: JSONInsert?) -> [ColumnWrite]? {
        guard kind == .insert, json == nil, timeToLive == nil, timestamp == nil, layout.schema.defaultTimeToLive == 0,
              keys.clusteringEquals.count == layout.clustering.count else { return nil }
        for write in writes {
            guard write.column.kind == .regular, case .set = write.operation,
                  !CollectionCells.isMultiCell(write.column.type) else { return nil }
        }
        return writes.sorted { $0.column.id < $1.column.id }
    }

    /// This execution's row as a write encoded for the commit log: the row `mutations` would
    /// build, the row marker first. Nil, with nothing built, unless the statement is a plain
    /// INSERT (`simpleRowWrites`) of one row whose partition key `accepts`.
    func singleRowWrite(_ bindings: Bindings, writeTimestamp: Int64, nowSeconds: Int64,
                        accepts: ([UInt8]) -> Bool) throws(ErrorResponse) -> SingleRowWrite? {
        guard let simpleRowWrites else { return nil }
        guard writeTimestamp != Int64.min else { throw ErrorResponse(.invalid, message: "Invalid timestamp") }
        guard let partitionKey = try keys.singlePartitionKey(layout, bindings) else { return nil }
        let prefixes = try keys.clusteringPrefixes(layout, bindings)
        guard prefixes.count == 1, accepts(partitionKey) else { return nil }
        var cellCount = 1  // The row marker.
        for write in simpleRowWrites where !bindings.isUnset(write.operand) { cellCount += 1 }
        var valueBytes = 0
        for value in bindings.values { if case .bytes(let bytes) = value { valueBytes += bytes.count } }
        var row = SingleRowWrite.Builder(table: layout.schema.id, partitionKey: partitionKey,
                                         clustering: try layout.clusteringKey(prefixes[0]), timestamp: writeTimestamp,
                                         cellCount: cellCount, valueBytes: valueBytes)
        // The marker keeps the row alive with every other column null, as in `writeColumns`.
        row.addLive(column: Cell.rowMarkerColumn, value: [])
        for write in simpleRowWrites {
            switch try bindings.resolve(write.operand) {
            case .unset: continue
            case .value(let value?):
                try CellWriter.checkSize(value, column: write.column)
                row.addLive(column: write.column.id, value: value)
            case .value(nil):
                row.addTombstone(column: write.column.id, nowSeconds: nowSeconds)
            }
        }
        return row.build()
    }
}

private extension ColumnWrite {
    /// The operand of a `.set` write (every write of `simpleRowWrites`).
    var operand: Operand {
        guard case .set(let operand) = operation else { preconditionFailure("a simple row write sets its column") }
        return operand
    }
}
