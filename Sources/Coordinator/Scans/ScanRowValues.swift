import KVCore
import LSMStore

/// The values of the current row of a scan that a filter tests, one slot per column:
/// scalar cells are kept in place (pointers into the scanner's row, valid until it moves),
/// collection cells copied, key columns decoded from the storage key only when asked for.
///
/// The in-place slots live in memory allocated once per scan, so loading a row retains,
/// releases and allocates nothing.
final class ScanRowValues {
    private let columns: [PredicateColumn]
    private let keyLayout: ScanKeyLayout
    /// The slot of each tested static or regular column, by column id.
    private let cellSlots: [(id: UInt32, slot: Int, isMultiCell: Bool)]
    /// Per slot: whether its value is kept in place (a scalar static or regular column).
    private let keptInPlace: [Bool]
    /// Cells come in column order: past this id no tested cell follows.
    private let lastCellColumn: UInt32
    private let needsKeys: Bool
    private let hasCollections: Bool
    private let inPlaceValues: UnsafeMutableBufferPointer<UnsafeRawBufferPointer?>
    private var collectionCells: [[Cell]]
    private var partitionKey: [UInt8] = []
    private var clustering: [UInt8] = []

    init(columns: [PredicateColumn], keyLayout: ScanKeyLayout) {
        self.columns = columns
        self.keyLayout = keyLayout
        cellSlots = columns.enumerated().compactMap { slot, column in
            column.kind == .regular || column.kind == .staticColumn ? (column.id, slot, column.isMultiCell) : nil
        }
        keptInPlace = columns.map { ($0.kind == .regular || $0.kind == .staticColumn) && !$0.isMultiCell }
        lastCellColumn = cellSlots.map(\.id).max() ?? 0
        needsKeys = columns.contains { $0.kind == .partitionKey || $0.kind == .clustering }
        hasCollections = cellSlots.contains { $0.isMultiCell }
        inPlaceValues = .allocate(capacity: columns.count)
        inPlaceValues.initialize(repeating: nil)
        collectionCells = Array(repeating: [], count: columns.count)
    }

    deinit { inPlaceValues.deallocate() }

    /// Reads the tested cells of the scanner's current row.
    func load(from scanner: TableScanner) throws {
        for slot in inPlaceValues.indices { inPlaceValues[slot] = nil }
        if hasCollections {
            for slot in collectionCells.indices where !collectionCells[slot].isEmpty {
                collectionCells[slot].removeAll(keepingCapacity: true)
            }
        }
        if needsKeys {
            partitionKey = scanner.partitionKey
            clustering = scanner.clustering
        }
        guard !cellSlots.isEmpty else { return }
        try scanner.forEachLiveCell { cell in
            guard cell.column <= lastCellColumn else { return false }
            for (id, slot, isMultiCell) in cellSlots where id == cell.column {
                if isMultiCell {
                    collectionCells[slot].append(cell.materialize())
                } else if cell.path.isEmpty {
                    inPlaceValues[slot] = cell.value
                }
            }
            return true
        }
    }

    /// The slot's value in place (inner nil: null), or nil when it is not kept in place.
    func inPlace(_ slot: Int) -> UnsafeRawBufferPointer?? {
        keptInPlace[slot] ? .some(inPlaceValues[slot]) : nil
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
