import KVCore

extension SSTableReader {
    /// Reads every data block from the file (bypassing the cache) and checks it: checksum,
    /// decompression, entry structure, keys strictly increasing across the file, each row
    /// decoding completely, row counts and last keys matching the index, and the total
    /// matching the statistics. Throws `.corruption` at the first damaged block. Costs one
    /// pass over the file; for a scrub command and tests.
    public func verify() throws(StoreError) {
        let iterator = BlockIterator()
        var previousKey: [UInt8]?
        var entryCount = 0
        for blockIndex in 0..<index.count {
            let handle = index.handles[blockIndex]
            iterator.reset(try BlockLoader.loadBlock(from: file, path: path, handle: handle))
            do throws(DecodeError) {
                entryCount += try verifyEntries(iterator, blockIndex: blockIndex, previousKey: &previousKey)
            } catch {
                throw BlockLoader.corruption(path: path, handle: handle, error)
            }
        }
        guard entryCount == statistics.entryCount else {
            throw .corruption(file: path, offset: 0,
                              reason: "blocks hold \(entryCount) rows, the statistics say \(statistics.entryCount)")
        }
    }

    /// Checks one block's entries; returns how many there are.
    private func verifyEntries(_ iterator: BlockIterator, blockIndex: Int,
                               previousKey: inout [UInt8]?) throws(DecodeError) -> Int {
        var count = 0
        try iterator.seekToFirst()
        while iterator.isValid {
            if let previousKey, previousKey.withUnsafeBytes({ compareBytes($0, iterator.key) }) >= 0 {
                throw .malformed(offset: 0, reason: "keys out of order at entry \(count)")
            }
            var row = try RowView(iterator.value)
            while try row.nextCell() != nil {}
            guard row.isFullyRead else { throw .malformed(offset: 0, reason: "row \(count) has trailing bytes") }
            previousKey = previousKey ?? []
            previousKey!.removeAll(keepingCapacity: true)
            previousKey!.append(contentsOf: iterator.key)
            count += 1
            try iterator.next()
        }
        guard count == index.statistics[blockIndex].rowCount, previousKey == index.lastKey(blockIndex) else {
            throw .malformed(offset: 0, reason: "block contents disagree with its index entry")
        }
        return count
    }
}
