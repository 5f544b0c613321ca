import Coordinator
import KVCore

/// Turns the live rows of a partition into result rows: key columns decoded from the
/// storage keys, cells by column id, and the partition's static columns on every row.
/// Rows the statement's filter does not select are left out.
struct ResultRowBuilder {
    let plan: SelectPlan
    let nowSeconds: Int64
    var filter: RowPredicate?

    /// One result row and the clustering it came from (for paging).
    struct Output {
        var clustering: [UInt8]
        var values: [[UInt8]?]
    }

    /// The partition's static row among `partition.rows`, if the table has static columns.
    func staticRow(of partition: PartitionUpdate) -> Row? {
        guard plan.layout.hasStatics, let first = partition.rows.first, first.clustering.isEmpty else { return nil }
        return first
    }

    /// Whether `partition` holds a regular (non-static) row.
    func hasRegularRows(_ partition: PartitionUpdate) -> Bool {
        plan.layout.hasStatics ? partition.rows.contains { !$0.clustering.isEmpty } : !partition.rows.isEmpty
    }

    /// The result rows of `partition`'s regular rows (its static row, if among them, is not
    /// one), each with `staticRow`'s values.
    func rows(of partition: PartitionUpdate, staticRow: Row?) -> [Output] {
        let keyValues = keyValues(partition.partitionKey)
        let token = token(partition.partitionKey)
        let regular = plan.layout.hasStatics ? partition.rows.filter { !$0.clustering.isEmpty } : partition.rows
        return regular.compactMap { row in
            let clusteringValues = clusteringValues(row.clustering)
            guard selects(row, staticRow: staticRow, keyValues: keyValues, clusteringValues: clusteringValues) else { return nil }
            return Output(clustering: row.clustering, values: values(for: row, staticRow: staticRow, keyValues: keyValues,
                                                                     clusteringValues: clusteringValues, token: token))
        }
    }

    /// The values of one row that needs no filtering and has no static row to join (a point
    /// read's).
    func values(of row: Row, partitionKey: [UInt8]) -> [[UInt8]?] {
        values(for: row, staticRow: nil, keyValues: keyValues(partitionKey), clusteringValues: clusteringValues(row.clustering),
               token: token(partitionKey))
    }

    // The key columns' values and the token, derived only when the statement uses them
    // (`SelectPlan.RowInputs`): a point read of a value column needs neither.

    private func keyValues(_ partitionKey: [UInt8]) -> [[UInt8]] {
        plan.rowInputs.contains(.partitionKeyValues) ? plan.layout.partitionValues(storageKey: partitionKey) : []
    }

    private func clusteringValues(_ clustering: [UInt8]) -> [[UInt8]?] {
        plan.rowInputs.contains(.clusteringValues) ? plan.layout.clusteringValues(clustering) : []
    }

    private func token(_ partitionKey: [UInt8]) -> Token {
        plan.rowInputs.contains(.token) ? StoragePartitionKey.token(of: partitionKey) : Token(0)
    }

    /// The one row a partition with static data but no regular rows shows (clustering and
    /// regular columns null), unless the filter leaves it out.
    func staticOnlyRow(partitionKey: [UInt8], staticRow: Row) -> Output? {
        let keyValues = keyValues(partitionKey)
        guard selects(nil, staticRow: staticRow, keyValues: keyValues, clusteringValues: []) else { return nil }
        return Output(clustering: [], values: values(for: nil, staticRow: staticRow, keyValues: keyValues, clusteringValues: [],
                                                     token: token(partitionKey)))
    }

    private func selects(_ row: Row?, staticRow: Row?, keyValues: [[UInt8]], clusteringValues: [[UInt8]?]) -> Bool {
        guard let filter else { return true }
        return filter.selects { column in
            value(of: column, row: row, staticRow: staticRow, keyValues: keyValues, clusteringValues: clusteringValues)
        }
    }

    private func value(of column: PredicateColumn, row: Row?, staticRow: Row?, keyValues: [[UInt8]],
                       clusteringValues: [[UInt8]?]) -> [UInt8]? {
        switch column.kind {
        case .partitionKey: return keyValues[column.position]
        case .clustering: return column.position < clusteringValues.count ? clusteringValues[column.position] : nil
        case .staticColumn: return value(of: column.id, type: column.type, in: staticRow)
        case .regular: return value(of: column.id, type: column.type, in: row)
        }
    }

    /// Any column's value in a row: from the keys, the static row or the row's cells.
    private func value(of column: SchemaColumn, row: Row?, staticRow: Row?, keyValues: [[UInt8]],
                       clusteringValues: [[UInt8]?]) -> [UInt8]? {
        switch column.kind {
        case .partitionKey: return keyValues[Int(column.position)]
        case .clustering:
            let position = Int(column.position)
            return position < clusteringValues.count ? clusteringValues[position] : nil
        case .staticColumn: return value(of: column.id, type: column.type, in: staticRow)
        case .regular: return value(of: column.id, type: column.type, in: row)
        }
    }

    private func values(for row: Row?, staticRow: Row?, keyValues: [[UInt8]], clusteringValues: [[UInt8]?],
                        token: Token) -> [[UInt8]?] {
        plan.selected.map { selected -> [UInt8]? in
            switch selected {
            case .column(let column):
                return value(of: column, row: row, staticRow: staticRow, keyValues: keyValues, clusteringValues: clusteringValues)
            case .writeTime(let column):
                return cell(column, in: column.kind == .staticColumn ? staticRow : row).map { Self.bigint($0.timestamp) }
            case .timeToLive(let column):
                guard let cell = cell(column, in: column.kind == .staticColumn ? staticRow : row), cell.kind == .expiring else { return nil }
                return Self.int(Int32(clamping: max(0, cell.localSeconds - nowSeconds)))
            case .field(let column, let index):
                let whole = value(of: column, row: row, staticRow: staticRow, keyValues: keyValues, clusteringValues: clusteringValues)
                return whole.flatMap { UDTCells.fields($0) }.flatMap { index < $0.count ? $0[index] : nil }
            case let .cast(column, target):
                let value = value(of: column, row: row, staticRow: staticRow, keyValues: keyValues, clusteringValues: clusteringValues)
                return CastConversion.convert(value, from: column.type, to: target)
            case .token:
                return Self.bigint(token.value)
            case .countAll:
                return nil
            }
        }
    }

    /// A column's value: its cell's, or a non-frozen collection (or UDT) assembled from its
    /// elements (fields).
    private func value(of column: UInt32, type: CQLDataType, in row: Row?) -> [UInt8]? {
        guard CollectionCells.isMultiCell(type) else { return cell(column, in: row)?.value }
        guard let row else { return nil }
        return CollectionCells.value(of: row.cells.lazy.filter { $0.column == column && !$0.path.isEmpty }, type: type)
    }

    private func cell(_ column: SchemaColumn, in row: Row?) -> Cell? {
        cell(column.id, in: row)
    }

    private func cell(_ column: UInt32, in row: Row?) -> Cell? {
        row?.cells.first { $0.column == column && $0.path.isEmpty }
    }

    static func bigint(_ value: Int64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    static func int(_ value: Int32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }
}
