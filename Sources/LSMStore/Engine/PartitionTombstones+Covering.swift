import KVCore

extension PartitionTombstones {
    /// The latest deletion that covers the row with this clustering from outside it: the
    /// partition deletion or a range tombstone.
    func deletion(covering clustering: [UInt8]) -> DeletionTime? {
        var result = deletion
        for range in ranges where range.covers(clustering) {
            result = DeletionTime.latest(result, range.deletion)
        }
        return result
    }
}
