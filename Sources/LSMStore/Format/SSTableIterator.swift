import KVCore

/// Walks the rows of one SSTable in key order, block by block, optionally skipping blocks
/// whose statistics a filter rejects.
///
/// Not thread-safe: one iterator per reading thread. Keeps its reader (and so the file)
/// alive. `key` and `value` are views valid until the iterator moves; moving does not
/// allocate except to load a block that is not cached. A damaged block throws
/// `StoreError.corruption` naming the file and the block's offset and leaves the iterator
/// invalid; no bytes of it are returned.
public final class SSTableIterator {
    /// The reader this iterator reads.
    public let reader: SSTableReader
    private let blockIterator = BlockIterator()
    /// The block `blockIterator` is in; `reader.blockCount` when exhausted.
    private var blockIndex: Int

    /// When set, a data block for whose index it returns false is skipped without being
    /// read: its rows are not returned. It gets the block index, so it can consult
    /// `reader.blockStatistics(_:)` and the block's key range. Set before seeking.
    public var blockFilter: ((Int) -> Bool)?
    /// How many times a block was passed over because of `blockFilter`.
    public private(set) var blocksSkipped = 0
    /// Whether blocks this iterator reads are added to the block cache (turn off for long
    /// scans that should not evict the hot set). Default true.
    public var fillsCache = true

    init(reader: SSTableReader) {
        self.reader = reader
        blockIndex = reader.blockCount
    }

    /// Whether the iterator is at a row.
    public var isValid: Bool { blockIterator.isValid }

    /// The current packed row key. Requires `isValid`; valid until the iterator moves.
    public var key: UnsafeRawBufferPointer { blockIterator.key }

    /// The current encoded row. Requires `isValid`; valid until the iterator moves.
    public var value: UnsafeRawBufferPointer { blockIterator.value }

    /// Moves to the first row (of the first block the filter admits).
    public func seekToFirst() throws(StoreError) {
        try moveToFirstEntry(fromBlock: 0)
    }

    /// Moves to the first row whose key is >= `key` among blocks the filter admits.
    public func seek(_ key: UnsafeRawBufferPointer) throws(StoreError) {
        let candidate = reader.index.firstBlock(atOrAfter: key)
        guard candidate < reader.blockCount else { return invalidate() }
        guard admits(candidate) else { return try moveToFirstEntry(fromBlock: candidate + 1) }
        try enter(candidate)
        try decoding { () throws(DecodeError) in try blockIterator.seek(key) }
        if !blockIterator.isValid { try moveToFirstEntry(fromBlock: candidate + 1) }
    }

    /// Moves to the next row. Requires `isValid`.
    public func next() throws(StoreError) {
        precondition(blockIterator.isValid, "next() on an invalid SSTable iterator")
        try decoding { () throws(DecodeError) in try blockIterator.next() }
        if !blockIterator.isValid { try moveToFirstEntry(fromBlock: blockIndex + 1) }
    }

    /// Positions at the first entry of the first admitted, non-empty block from `start` on.
    private func moveToFirstEntry(fromBlock start: Int) throws(StoreError) {
        var candidate = start
        while candidate < reader.blockCount {
            if admits(candidate) {
                try enter(candidate)
                try decoding { () throws(DecodeError) in try blockIterator.seekToFirst() }
                if blockIterator.isValid { return }
            }
            candidate += 1
        }
        invalidate()
    }

    /// Whether the filter admits block `index`; counts a skip when it does not.
    private func admits(_ index: Int) -> Bool {
        guard let blockFilter, !blockFilter(index) else { return true }
        blocksSkipped += 1
        return false
    }

    /// Makes block `index` current, reusing it when it already is.
    private func enter(_ index: Int) throws(StoreError) {
        if index == blockIndex && blockIterator.block != nil { return }
        invalidate()
        let block = try reader.block(at: index, fillsCache: fillsCache)
        blockIterator.reset(block)
        blockIndex = index
    }

    private func invalidate() {
        blockIterator.reset(nil)
        blockIndex = reader.blockCount
    }

    /// Runs a step of the block iterator, turning damage into a corruption error.
    @inline(__always)
    private func decoding(_ step: () throws(DecodeError) -> Void) throws(StoreError) {
        do throws(DecodeError) {
            try step()
        } catch {
            let handle = reader.index.handles[blockIndex]
            invalidate()
            throw BlockLoader.corruption(path: reader.path, handle: handle, error)
        }
    }
}
