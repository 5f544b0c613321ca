import KVCore

extension Mutation {
    /// About the bytes Cassandra's `PartitionUpdate.dataSize()` counts, which batch size
    /// limits are measured in: per cell 16 (timestamp 8, TTL 4, local deletion time 4) plus
    /// its value and collection path; per row its clustering bytes, plus 12 for a row
    /// deletion; per range tombstone its two bound prefixes plus 12; 12 for a partition
    /// deletion. The partition key is not counted, as in Cassandra. Our clustering bytes are
    /// `ClusteringEncoding` (order-preserving), a few bytes per component more than
    /// Cassandra's serialized values, so a batch near a threshold may fall on the other side.
    public var dataSizeBytes: Int {
        let update = self.update
        var size = update.partitionDeletion == nil ? 0 : Self.deletionSizeBytes
        for tombstone in update.rangeTombstones {
            size += tombstone.start.prefix.count + tombstone.end.prefix.count + Self.deletionSizeBytes
        }
        for row in update.rows {
            size += row.clustering.count + (row.deletion == nil ? 0 : Self.deletionSizeBytes)
            for cell in row.cells { size += Self.cellOverheadBytes + cell.path.count + cell.value.count }
        }
        return size
    }

    /// Cassandra's `DeletionTime.dataSize()`: a timestamp and a local deletion time.
    static let deletionSizeBytes = 12
    /// A cell's timestamp, TTL and local deletion time, as Cassandra's `AbstractCell.dataSize()`.
    static let cellOverheadBytes = 16
}
