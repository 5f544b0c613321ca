import KVCore

extension MergingIterator {
    /// Positions every source at the first key of `range` (its start, or the very first key),
    /// for a read that stops at the range's end.
    func seek(toStartOf range: ScanRange) throws {
        if let start = range.start, let prefixLength = range.singlePartitionPrefixLength {
            try start.withUnsafeBytes { buffer throws in try seek(buffer, partitionPrefixLength: prefixLength) }
        } else if let start = range.start {
            try start.withUnsafeBytes { buffer throws in try seek(buffer) }
        } else {
            try seekToFirst()
        }
    }

    /// Decodes the fragments of the current key and reconciles them into one row
    /// (DESIGN.md §3). Deletions are kept: nothing is shadowed yet.
    func reconciledRow(clustering: [UInt8]) throws -> Row {
        var row = Row(clustering: clustering)
        for index in group {
            do {
                row.merge(try RowCodec.decode(sources[index].value, clustering: clustering))
            } catch {
                throw StoreError.corruption(file: "(scan)", offset: 0, reason: "row fragment does not decode: \(error)")
            }
        }
        return row
    }
}
