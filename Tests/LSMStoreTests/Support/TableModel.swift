import KVCore
@testable import LSMStore

/// The reference a model-based test checks the engine against: for every row the winning
/// version of each cell, and every deletion, kept in plain dictionaries.
struct TableModel {
    struct RowState {
        var cells: [Cell] = []
        var deletion: DeletionTime?
    }

    struct PartitionState {
        var rows: [[UInt8]: RowState] = [:]
        var deletion: DeletionTime?
        var ranges: [RangeTombstone] = []
    }

    var partitions: [[UInt8]: PartitionState] = [:]

    mutating func apply(_ update: PartitionUpdate) {
        var partition = partitions[update.partitionKey] ?? PartitionState()
        partition.deletion = DeletionTime.latest(partition.deletion, update.partitionDeletion)
        partition.ranges.append(contentsOf: update.rangeTombstones)
        for row in update.rows {
            var state = partition.rows[row.clustering] ?? RowState()
            state.deletion = DeletionTime.latest(state.deletion, row.deletion)
            for cell in row.cells {
                if let index = state.cells.firstIndex(where: { $0.hasSameIdentity(as: cell) }) {
                    state.cells[index] = Cell.reconcile(state.cells[index], cell)
                } else {
                    state.cells.append(cell)
                }
            }
            partition.rows[row.clustering] = state
        }
        partitions[update.partitionKey] = partition
    }

    /// The live row the engine must return, or nil.
    func liveRow(partition key: [UInt8], clustering: [UInt8], nowSeconds: Int64) -> Row? {
        guard let partition = partitions[key], let state = partition.rows[clustering] else { return nil }
        var deletion = DeletionTime.latest(partition.deletion, state.deletion)
        for range in partition.ranges where range.covers(clustering) {
            deletion = DeletionTime.latest(deletion, range.deletion)
        }
        let cells = state.cells.filter { cell in
            cell.isLive(nowSeconds: nowSeconds) && !(deletion?.shadows(cell.timestamp) ?? false)
        }.sorted(by: Cell.identityPrecedes)
        return cells.isEmpty ? nil : Row(clustering: clustering, cells: cells)
    }

    /// Every live row in storage order, as (partition, row).
    func allLiveRows(nowSeconds: Int64) -> [(partition: [UInt8], row: Row)] {
        var result: [(partition: [UInt8], row: Row, key: [UInt8])] = []
        for (key, partition) in partitions {
            for clustering in partition.rows.keys {
                if let row = liveRow(partition: key, clustering: clustering, nowSeconds: nowSeconds) {
                    result.append((key, row, RowKey.encode(partition: key, clustering: clustering)))
                }
            }
        }
        return result.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.partition, $0.row) }
    }
}
