import KVCore

/// Writes one SSTable (layout in FORMAT.md "SSTable"): rows in key order into data blocks,
/// partition tombstones, then the tombstones, bloom filter, statistics and index blocks and
/// the footer.
///
/// Single-threaded. The file at `path` is created (or emptied); the caller writes under a
/// temporary name and renames it after `finish()`, or calls `abandon()` and deletes it.
/// A file-system failure is fatal to the writer: that call and every later one throw the
/// same `.io` error. Memory use is one block plus, per partition, 8 bytes of hash and the
/// partition's tombstones, plus one index entry per block.
public final class SSTableWriter {
    private enum State { case open, finished, abandoned }

    /// Where the file is written.
    public let path: String
    private let file: any WritableFile
    private let options: SSTableWriterOptions
    private var state = State.open
    private var failure: StoreError?

    private var blockBuilder: BlockBuilder
    private var blockStatistics: BlockStatisticsAccumulator
    private var index = SSTableIndexBuilder()
    private var statistics = SSTableStatistics()
    /// Bloom hashes of partition prefixes: once per run of rows, once per tombstone partition.
    private var partitionHashes: [UInt64] = []
    private var tombstones: [PartitionTombstones] = []
    private var firstRowKey: [UInt8]?
    private var lastRowKey: [UInt8] = []
    private var lastRowPartitionPrefixLength = 0
    /// Bytes written so far: where the next block starts.
    private var offset = 0
    private var outputBuffer: UnsafeMutableRawBufferPointer

    /// Creates (or empties) the file at `path`. Throws `.invalidArgument` for bad options and
    /// `.io` if the file cannot be opened.
    public init(path: String, fileSystem: any FileSystem, options: SSTableWriterOptions) throws(StoreError) {
        try options.validate()
        do throws(FileSystemError) {
            file = try fileSystem.openForAppend(path, truncate: true)
        } catch {
            throw .io(error)
        }
        self.path = path
        self.options = options
        blockBuilder = BlockBuilder(restartInterval: options.restartInterval, buildsHashIndex: options.dataBlockHashIndex)
        blockStatistics = BlockStatisticsAccumulator(columnOrderings: options.columnOrderings)
        outputBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 8)
    }

    deinit {
        outputBuffer.deallocate()
        if state == .open && failure == nil { try? file.close() }
    }

    /// Bytes written to the file so far plus the uncompressed size of the block being built:
    /// what compaction compares with its target file size.
    public var estimatedSizeBytes: Int { offset + blockBuilder.estimatedSizeBytes }

    // MARK: Adding

    /// Adds a row: `key` is a packed row key (`RowKey`) greater than every key added before,
    /// `row` its `RowCodec` encoding. Throws `.invalidArgument` for a key out of order or
    /// without a partition prefix, a row that does not decode or is too large; the writer
    /// stays usable after those (a rejected row may only widen the block's column bounds).
    /// Copies the bytes; they need not outlive the call.
    public func add(key: UnsafeRawBufferPointer, row: UnsafeRawBufferPointer) throws(StoreError) {
        try checkOpen()
        let prefixLength = try checkRowKey(key)
        guard row.count <= SSTableFormat.maxRowSizeBytes else {
            throw .invalidArgument("row of \(row.count) bytes exceeds \(SSTableFormat.maxRowSizeBytes)")
        }
        let summary: RowSummary
        do throws(DecodeError) {
            summary = try blockStatistics.add(row: row)
        } catch {
            throw .invalidArgument("row under a key of \(key.count) bytes does not decode: \(error)")
        }
        notePartition(of: key, prefixLength: prefixLength)
        blockBuilder.add(key: key, value: row)
        statistics.include(summary)
        if firstRowKey == nil { firstRowKey = Array(key) }
        lastRowKey.removeAll(keepingCapacity: true)
        lastRowKey.append(contentsOf: key)
        lastRowPartitionPrefixLength = prefixLength
        if blockBuilder.estimatedSizeBytes >= options.blockSizeBytes { try flushBlock() }
    }

    /// Adds a row given as arrays.
    public func add(key: [UInt8], row: [UInt8]) throws(StoreError) {
        try key.withUnsafeBytes { keyBuffer in
            row.withUnsafeBytes { rowBuffer in
                Result { () throws(StoreError) in try add(key: keyBuffer, row: rowBuffer) }
            }
        }.get()
    }

    /// The key's partition prefix length, after checking its size, form and order.
    private func checkRowKey(_ key: UnsafeRawBufferPointer) throws(StoreError) -> Int {
        guard key.count <= SSTableFormat.maxKeySizeBytes else {
            throw .invalidArgument("row key of \(key.count) bytes exceeds \(SSTableFormat.maxKeySizeBytes)")
        }
        guard let prefixLength = RowKey.partitionPrefixLength(key) else {
            throw .invalidArgument("row key has no partition prefix terminator")
        }
        guard firstRowKey == nil || lastRowKey.withUnsafeBytes({ compareBytes($0, key) < 0 }) else {
            throw .invalidArgument("row keys must be added in strictly increasing order")
        }
        return prefixLength
    }

    /// Records the bloom hash of the key's partition when a new partition starts.
    private func notePartition(of key: UnsafeRawBufferPointer, prefixLength: Int) {
        let prefix = UnsafeRawBufferPointer(rebasing: key[0..<prefixLength])
        let isSamePartition = firstRowKey != nil && prefixLength == lastRowPartitionPrefixLength
            && lastRowKey.withUnsafeBytes { hasPrefix($0, prefix) }
        if !isSamePartition { partitionHashes.append(BloomFilter.hash(prefix)) }
    }

    /// Adds one partition's tombstones. Partition prefixes must strictly increase from call to
    /// call (whatever the order of rows); a prefix must be a whole `RowKey.partitionPrefix`.
    /// Empty tombstones are ignored. Throws `.invalidArgument` otherwise.
    public func add(_ partitionTombstones: PartitionTombstones) throws(StoreError) {
        try checkOpen()
        let prefix = partitionTombstones.partitionPrefix
        guard prefix.withUnsafeBytes({ RowKey.partitionPrefixLength($0) }) == prefix.count else {
            throw .invalidArgument("tombstones need a whole partition prefix")
        }
        guard !partitionTombstones.isEmpty else { return }
        if let last = tombstones.last, compareBytes(last.partitionPrefix, prefix) >= 0 {
            throw .invalidArgument("partition tombstones must be added in strictly increasing partition order")
        }
        tombstones.append(partitionTombstones)
        statistics.include(partitionTombstones)
        partitionHashes.append(prefix.withUnsafeBytes { BloomFilter.hash($0) })
    }

    private func checkOpen() throws(StoreError) {
        if let failure { throw failure }
        guard state == .open else { throw .invalidArgument("SSTable writer for \(path) is already \(state)") }
    }
}

// MARK: Writing blocks

extension SSTableWriter {
    /// Writes the pending data block and its index entry.
    private func flushBlock() throws(StoreError) {
        guard !blockBuilder.isEmpty else { return }
        let uncompressedSizeBytes = blockBuilder.estimatedSizeBytes
        let handle = try writeBlockContents(compression: options.compression)
        index.add(lastKey: lastRowKey, handle: handle, statistics: blockStatistics.finish())
        statistics.blockCount += 1
        statistics.dataSizeBytes += handle.endOffset - handle.offset
        statistics.uncompressedSizeBytes += uncompressedSizeBytes
        blockBuilder.reset()
        blockStatistics.reset()
    }

    private func writeBlockContents(compression: SSTableCompression) throws(StoreError) -> BlockHandle {
        let contents = blockBuilder.finish()
        return try contents.withUnsafeBytes { buffer in
            Result { () throws(StoreError) in try writeBlock(buffer, compression: compression) }
        }.get()
    }

    /// Writes `contents` as a block (compressed if that saves at least 1/8) and its trailer.
    private func writeBlock(_ contents: UnsafeRawBufferPointer,
                            compression: SSTableCompression) throws(StoreError) -> BlockHandle {
        ensureOutputCapacity(LZ4.maxCompressedSize(contents.count) + BlockTrailer.encodedSizeBytes)
        let (storedSizeBytes, storedCompression) = storeInOutputBuffer(contents, compression: compression)
        let stored = UnsafeRawBufferPointer(rebasing: outputBuffer[0..<storedSizeBytes])
        BlockTrailer(compression: storedCompression, uncompressedSizeBytes: contents.count)
            .write(for: stored, to: outputBuffer.baseAddress! + storedSizeBytes)
        let handle = BlockHandle(offset: offset, sizeBytes: storedSizeBytes)
        try append(UnsafeRawBufferPointer(rebasing: outputBuffer[0..<(storedSizeBytes + BlockTrailer.encodedSizeBytes)]))
        return handle
    }

    /// Puts the bytes to store at the start of `outputBuffer`: LZ4-compressed when asked and
    /// worth it, else a copy. Returns their size and compression.
    private func storeInOutputBuffer(_ contents: UnsafeRawBufferPointer,
                                     compression: SSTableCompression) -> (Int, SSTableCompression) {
        if compression == .lz4, let size = LZ4.compress(contents, into: outputBuffer),
           size < contents.count - contents.count / 8 {
            return (size, .lz4)
        }
        if contents.count > 0 {
            outputBuffer.baseAddress!.copyMemory(from: contents.baseAddress!, byteCount: contents.count)
        }
        return (contents.count, .none)
    }

    private func ensureOutputCapacity(_ byteCount: Int) {
        guard outputBuffer.count < byteCount else { return }
        outputBuffer.deallocate()
        outputBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(byteCount, outputBuffer.count * 2), alignment: 8)
    }

    /// Writes a metadata block (uncompressed).
    private func writeMetadataBlock(_ contents: [UInt8]) throws(StoreError) -> BlockHandle {
        try contents.withUnsafeBytes { buffer in
            Result { () throws(StoreError) in try writeBlock(buffer, compression: .none) }
        }.get()
    }

    /// Appends to the file; a failure is kept and rethrown by every later call.
    private func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        do throws(FileSystemError) {
            try file.append(bytes)
            offset += bytes.count
        } catch {
            throw fail(error)
        }
    }

    private func fail(_ error: FileSystemError) -> StoreError {
        let storeError = StoreError.io(error)
        failure = storeError
        try? file.close()
        return storeError
    }
}

// MARK: Finishing

extension SSTableWriter {
    /// Writes the last data block, the tombstones, bloom, statistics and index blocks and the
    /// footer, then syncs and closes the file. Returns the file's statistics. The caller then
    /// renames the file into place and syncs the directory.
    public func finish() throws(StoreError) -> SSTableStatistics {
        try checkOpen()
        try flushBlock()
        let partitionHashes = distinctPartitionHashes()
        completeStatistics(distinctPartitionCount: partitionHashes.count)
        let bloom = BloomFilter.encode(hashes: partitionHashes, bitsPerKey: options.bloomBitsPerKey)
        let footer = SSTableFooter(tombstones: try writeMetadataBlock(PartitionTombstones.encodeBlock(tombstones)),
                                   bloom: try writeMetadataBlock(bloom),
                                   statistics: try writeMetadataBlock(statistics.encode()),
                                   index: try writeMetadataBlock(index.finish()))
        try footer.encode().withUnsafeBytes { bytes in
            Result { () throws(StoreError) in try append(bytes) }
        }.get()
        do throws(FileSystemError) {
            try file.sync()
            try file.close()
        } catch {
            throw fail(error)
        }
        state = .finished
        return statistics
    }

    /// Fills in the statistics known only at the end: partition count and key range.
    private func completeStatistics(distinctPartitionCount: Int) {
        statistics.partitionCount = distinctPartitionCount
        var first = firstRowKey, last = firstRowKey == nil ? nil : lastRowKey
        if let firstTombstone = tombstones.first?.partitionPrefix, let lastTombstone = tombstones.last?.partitionPrefix {
            if first.map({ compareBytes(firstTombstone, $0) < 0 }) ?? true { first = firstTombstone }
            if last.map({ compareBytes(lastTombstone, $0) > 0 }) ?? true { last = lastTombstone }
        }
        statistics.firstKey = first ?? []
        statistics.lastKey = last ?? []
    }

    /// The partition hashes without duplicates (a partition with rows and tombstones was
    /// hashed twice), sorted.
    private func distinctPartitionHashes() -> [UInt64] {
        partitionHashes.sort()
        var distinct: [UInt64] = []
        distinct.reserveCapacity(partitionHashes.count)
        for hash in partitionHashes where distinct.last != hash { distinct.append(hash) }
        return distinct
    }

    /// Closes the file without finishing it; the caller deletes it. Safe to call in any state.
    public func abandon() {
        guard state == .open else { return }
        state = .abandoned
        if failure == nil { try? file.close() }
    }
}
