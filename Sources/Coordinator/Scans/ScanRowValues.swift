import KVCore
import LSMStore

/// The values of the current row of a scan that a filter tests, one slot per column:
/// scalar cells are kept in place (pointers into the scanner's row, valid until it moves),
/// collection cells copied, key columns decoded from the storage key only when asked for.
final class ScanRowValues {
    private let columns: [PredicateColumn]
    private let keyLayout: ScanKeyLayout
    /// The slot of each tested static or regular column, by column id.
    private let cellSlots: [(id: UInt32, slot: Int)]
    private var inPlaceValues: [UnsafeRawBufferPointer?]
    private var collectionCells: [[Cell]]
    private var partitionKey: [UInt8] = []
    private var clustering: [UInt8] = []

    init(columns: [PredicateColumn], keyLayout: ScanKeyLayout) {
        self.columns = columns
        self.keyLayout = keyLayout
        cellSlots = columns.enumerated().compactMap { slot, column in
            column.kind == .regular || column.kind == .staticColumn ? (column.id, slot) : nil
        }
        inPlaceValues = Array(repeating: nil, count: columns.count)
        collectionCells = Array(repeating: [], count: columns.count)
    }

    /// Reads the tested cells of the scanner's current row.
    func load(from scanner: TableScanner) throws {
        for slot in inPlaceValues.indices {
            inPlaceValues[slot] = nil
            if !collectionCells[slot].isEmpty { collectionCells[slot].removeAll(keepingCapacity: true) }
        }
        partitionKey.removeAll(keepingCapacity: true)
        clustering.removeAll(keepingCapacity: true)
        guard !cellSlots.isEmpty else { return }
        try scanner.forEachLiveCell { cell in
            for (id, slot) in cellSlots where id == cell.column {
                if columns[slot].isMultiCell {
                    collectionCells[slot].append(cell.materialize())
                } else if cell.path.isEmpty {
                    inPlaceValues[slot] = cell.value
                }
            }
        }
        if columns.contains(where: { $0.kind == .partitionKey || $0.kind == .clustering }) {
            partitionKey = scanner.partitionKey
            clustering = scanner.clustering
        }
    }

    /// The slot's value in place (inner nil: null), or nil when it is not kept in place.
    func inPlace(_ slot: Int) -> UnsafeRawBufferPointer?? {
        let column = columns[slot]
        guard column.kind == .regular || column.kind == .staticColumn, !column.isMultiCell else { return nil }
        return .some(inPlaceValues[slot])
    }

    /// The slot's value as a copy (nil: null).
    func copied(_ slot: Int) -> [UInt8]? {
        let column = columns[slot]
        switch column.kind {
        case .partitionKey:
            let values = keyLayout.partitionValues(storageKey: partitionKey)
            return column.position < values.count ? values[column.position] : nil
        case .clustering:
            let values = keyLayout.clusteringValues(clustering)
            return column.position < values.count ? values[column.position] : nil
        case .regular, .staticColumn:
            guard column.isMultiCell else { return inPlaceValues[slot].map { Array($0) } }
            return CollectionCells.value(of: collectionCells[slot], type: column.type)
        }
    }
}
