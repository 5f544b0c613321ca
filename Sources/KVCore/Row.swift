/// One row of a partition: its clustering key, an optional row deletion and its cells,
/// sorted by column and path with at most one version of each.
///
/// A row read from storage may be a fragment: the merged view of a row comes from
/// reconciling the fragments of every memtable and SSTable (`merge(_:)`).
public struct Row: Sendable, Hashable {
    /// The clustering key, encoded by the caller so that byte order is clustering order.
    /// Empty for a table with no clustering columns.
    public var clustering: [UInt8]
    /// A row tombstone: shadows every cell of the row written at or before it.
    public var deletion: DeletionTime?
    /// The cells, sorted by `Cell.identityPrecedes`, one version each.
    public var cells: [Cell]

    public init(clustering: [UInt8] = [], deletion: DeletionTime? = nil, cells: [Cell] = []) {
        self.clustering = clustering
        self.deletion = deletion
        self.cells = cells
    }

    /// A row fragment built from cells in any order; later versions of a cell win by reconciliation.
    public init(clustering: [UInt8], deletion: DeletionTime? = nil, unsortedCells: [Cell]) {
        self.init(clustering: clustering, deletion: deletion)
        // Cells already in order, one version each (a write's usual shape), are kept as they
        // are: no sorted copy, no second array.
        if zip(unsortedCells, unsortedCells.dropFirst()).allSatisfy({ Cell.identityPrecedes($0, $1) }) {
            cells = unsortedCells
            return
        }
        for cell in unsortedCells.sorted(by: Cell.identityPrecedes) {
            if let last = cells.last, last.hasSameIdentity(as: cell) {
                cells[cells.count - 1] = Cell.reconcile(last, cell)
            } else {
                cells.append(cell)
            }
        }
    }

    /// Whether the row has something readable at `nowSeconds` (a live cell or marker).
    public func hasLiveData(nowSeconds: Int64) -> Bool {
        cells.contains { $0.isLive(nowSeconds: nowSeconds) }
    }

    /// The newest timestamp written in the row (cells and row deletion), or nil if empty.
    public var maxTimestamp: Int64? {
        var result = deletion?.timestamp
        for cell in cells { result = max(result ?? cell.timestamp, cell.timestamp) }
        return result
    }

    /// Reconciles another fragment of the same row into this one (DESIGN.md §3).
    public mutating func merge(_ other: Row) {
        precondition(other.clustering == clustering, "merging fragments of different rows")
        deletion = DeletionTime.latest(deletion, other.deletion)
        guard !other.cells.isEmpty else { return }
        guard !cells.isEmpty else {
            cells = other.cells
            return
        }
        var merged: [Cell] = []
        merged.reserveCapacity(cells.count + other.cells.count)
        var left = 0, right = 0
        while left < cells.count && right < other.cells.count {
            let a = cells[left], b = other.cells[right]
            if a.hasSameIdentity(as: b) {
                merged.append(Cell.reconcile(a, b))
                left += 1
                right += 1
            } else if Cell.identityPrecedes(a, b) {
                merged.append(a)
                left += 1
            } else {
                merged.append(b)
                right += 1
            }
        }
        merged.append(contentsOf: cells[left...])
        merged.append(contentsOf: other.cells[right...])
        cells = merged
    }

    /// Removes cells shadowed by `deletion` (and by the row's own deletion), and the
    /// elements of a collection shadowed by its column tombstone: a tombstone with an empty
    /// path deletes every element of its column written at or before it (overwriting or
    /// deleting a non-frozen collection writes one).
    public mutating func removeShadowed(by outer: DeletionTime?) {
        if let effective = DeletionTime.latest(deletion, outer) {
            removeCells { effective.shadows($0.pointee.timestamp) }
        }
        removeElementsShadowedByColumnTombstones()
    }

    /// Removes the cells not live at `nowSeconds`.
    public mutating func removeDeadCells(nowSeconds: Int64) {
        removeCells { !$0.pointee.isLive(nowSeconds: nowSeconds) }
    }

    /// Removes the cells `predicate` selects, once an in-place look found one: a row that
    /// shares its cells (a copy of a read fragment) then does not copy them all for nothing,
    /// and a `contains(where:)` on the array copied each cell (two reference counts) to test it.
    private mutating func removeCells(where predicate: (UnsafePointer<Cell>) -> Bool) {
        guard containsCell(where: predicate) else { return }
        cells.removeAll { cell in withUnsafePointer(to: cell) { predicate($0) } }
    }

    /// Whether a cell satisfies `predicate`, looked at in place: through a pointer, as a
    /// cell passed by value, even borrowed, was copied (a reference count on its path and
    /// value each).
    private func containsCell(where predicate: (UnsafePointer<Cell>) -> Bool) -> Bool {
        cells.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            for index in buffer.indices where predicate(base + index) { return true }
            return false
        }
    }

    /// Cells are sorted by column then path, so a column's tombstone (empty path) comes
    /// before its elements: one pass suffices.
    private mutating func removeElementsShadowedByColumnTombstones() {
        guard containsCell(where: { $0.pointee.kind == .tombstone && $0.pointee.path.isEmpty }) else { return }
        var column: UInt32?
        var deletedAt = Int64.min
        cells.removeAll { cell in
            if cell.path.isEmpty {
                column = cell.column
                deletedAt = cell.kind == .tombstone ? cell.timestamp : Int64.min
                return false
            }
            return cell.column == column && cell.timestamp <= deletedAt
        }
    }
}
