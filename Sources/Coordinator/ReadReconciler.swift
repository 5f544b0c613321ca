import KVCore

/// Merges the answers of several replicas into one, as DESIGN §3 reconciles: per cell by
/// timestamp, deletions by the latest, so the result does not depend on which replica
/// answered first.
enum ReadReconciler {
    /// The union of `responses`, each partition and row merged. When some replica stopped at
    /// its limit, everything after the earliest such stop is dropped: past it, that replica
    /// has not spoken, and its data could still shadow or complete what others sent.
    static func merge(_ responses: [ReadResponse]) -> ReadResponse {
        if responses.count == 1 { return responses[0] }
        let cut = responses.filter { !$0.isExhausted }.compactMap(\.lastPosition).min()
        var byKey: [[UInt8]: PartitionUpdate] = [:]
        for response in responses {
            for partition in response.partitions {
                if let existing = byKey[partition.partitionKey] {
                    byKey[partition.partitionKey] = merge(existing, partition)
                } else {
                    byKey[partition.partitionKey] = partition
                }
            }
        }
        var partitions = byKey.values.sorted { $0.partitionKey.lexicographicallyPrecedes($1.partitionKey) }
        if let cut { partitions = truncate(partitions, after: cut) }
        return ReadResponse(partitions: partitions, isExhausted: cut == nil)
    }

    /// Two replicas' versions of one partition reconciled.
    static func merge(_ left: PartitionUpdate, _ right: PartitionUpdate) -> PartitionUpdate {
        var result = left
        result.partitionDeletion = DeletionTime.latest(left.partitionDeletion, right.partitionDeletion)
        for range in right.rangeTombstones where !result.rangeTombstones.contains(range) {
            result.rangeTombstones.append(range)
        }
        var rows: [Row] = []
        rows.reserveCapacity(left.rows.count + right.rows.count)
        var leftIndex = 0, rightIndex = 0
        while leftIndex < left.rows.count || rightIndex < right.rows.count {
            guard leftIndex < left.rows.count else { rows.append(right.rows[rightIndex]); rightIndex += 1; continue }
            guard rightIndex < right.rows.count else { rows.append(left.rows[leftIndex]); leftIndex += 1; continue }
            let a = left.rows[leftIndex], b = right.rows[rightIndex]
            if a.clustering == b.clustering {
                var merged = a
                merged.merge(b)
                rows.append(merged)
                leftIndex += 1
                rightIndex += 1
            } else if a.clustering.lexicographicallyPrecedes(b.clustering) {
                rows.append(a)
                leftIndex += 1
            } else {
                rows.append(b)
                rightIndex += 1
            }
        }
        result.rows = rows
        return result
    }

    /// The partitions of `merged` that `response` holds differently (or not at all), as far
    /// as both reach: what a replica that sent `response` needs to match the merge.
    static func partitionsDiffering(_ response: ReadResponse, from merged: ReadResponse) -> [PartitionUpdate] {
        var theirs: [[UInt8]: PartitionUpdate] = [:]
        for partition in response.partitions { theirs[partition.partitionKey] = partition }
        let cut = merged.isExhausted ? nil : merged.lastPosition
        return merged.partitions.filter { partition in
            guard var their = theirs[partition.partitionKey] else { return true }
            if let cut { their = truncate([their], after: cut).first ?? their }
            return !sameContent(their, partition)
        }
    }

    private static func sameContent(_ left: PartitionUpdate, _ right: PartitionUpdate) -> Bool {
        guard left.partitionDeletion == right.partitionDeletion, left.rows == right.rows,
              left.rangeTombstones.count == right.rangeTombstones.count else { return false }
        return Set(left.rangeTombstones) == Set(right.rangeTombstones)
    }

    /// `partitions` without any row after `cut`.
    static func truncate(_ partitions: [PartitionUpdate], after cut: RowPosition) -> [PartitionUpdate] {
        var kept: [PartitionUpdate] = []
        for var partition in partitions {
            if cut.partitionKey.lexicographicallyPrecedes(partition.partitionKey) { break }
            if partition.partitionKey == cut.partitionKey {
                partition.rows.removeAll { cut.clustering.lexicographicallyPrecedes($0.clustering) }
            }
            kept.append(partition)
        }
        return kept
    }

    /// The readable view of a reconciled partition at `nowSeconds`: every deletion applied,
    /// dead cells removed, rows with nothing live dropped; nil when no row is live.
    static func liveView(of partition: PartitionUpdate, nowSeconds: Int64) -> PartitionUpdate? {
        var live = PartitionUpdate(partitionKey: partition.partitionKey)
        for var row in partition.rows {
            row.removeShadowed(by: partition.deletion(covering: row.clustering))
            row.removeDeadCells(nowSeconds: nowSeconds)
            row.deletion = nil
            if !row.cells.isEmpty { live.rows.append(row) }
        }
        return live.rows.isEmpty ? nil : live
    }
}
