import KVCore

/// Everything an `SSTableReader` holds in memory, loaded and checked when it opens: footer,
/// tombstones, bloom filter, statistics and index.
struct SSTableMetadata: Sendable {
    var footer: SSTableFooter
    var tombstones: [PartitionTombstones]
    var bloom: BloomFilter
    var statistics: SSTableStatistics
    var index: SSTableIndex

    /// Reads the footer and metadata blocks of `file`. Every failure is `.corruption` with
    /// the offset of the damaged structure (or `.io`).
    static func load(from file: any ReadableFile, path: String) throws(StoreError) -> SSTableMetadata {
        let footer = try loadFooter(from: file, path: path)
        let tombstones = try decodeBlock(file, path, footer.tombstones) { bytes throws(DecodeError) in
            try PartitionTombstones.decodeBlock(bytes)
        }
        let bloom = try decodeBlock(file, path, footer.bloom) { bytes throws(DecodeError) in
            try BloomFilter(decoding: bytes)
        }
        let statistics = try decodeBlock(file, path, footer.statistics) { bytes throws(DecodeError) in
            try SSTableStatistics.decode(bytes)
        }
        let index = try decodeBlock(file, path, footer.index) { bytes throws(DecodeError) in
            try SSTableIndex(decoding: bytes, dataEndOffset: footer.dataEndOffset)
        }
        guard statistics.blockCount == index.count else {
            throw .corruption(file: path, offset: footer.statistics.offset,
                              reason: "statistics count \(statistics.blockCount) blocks, the index \(index.count)")
        }
        return SSTableMetadata(footer: footer, tombstones: tombstones, bloom: bloom, statistics: statistics, index: index)
    }

    private static func loadFooter(from file: any ReadableFile, path: String) throws(StoreError) -> SSTableFooter {
        let size = file.size
        guard size >= SSTableFooter.encodedSizeBytes else {
            throw .corruption(file: path, offset: 0, reason: "file of \(size) bytes is too short for an SSTable")
        }
        let footerOffset = size - SSTableFooter.encodedSizeBytes
        let bytes: [UInt8]
        do throws(FileSystemError) {
            bytes = try file.readExactly(at: footerOffset, count: SSTableFooter.encodedSizeBytes, path: path)
        } catch {
            throw .io(error)
        }
        do throws(DecodeError) {
            return try bytes.withUnsafeBytes { buffer in
                Result { () throws(DecodeError) in try SSTableFooter.decode(buffer, footerOffset: footerOffset) }
            }.get()
        } catch {
            throw .corruption(file: path, offset: footerOffset + error.offset, reason: "footer: \(error)")
        }
    }

    /// Loads the block at `handle` and decodes it with `decode`.
    private static func decodeBlock<Value>(
        _ file: any ReadableFile, _ path: String, _ handle: BlockHandle,
        _ decode: (UnsafeRawBufferPointer) throws(DecodeError) -> Value
    ) throws(StoreError) -> Value {
        let bytes = try BlockLoader.loadBytes(from: file, path: path, handle: handle)
        do throws(DecodeError) {
            return try bytes.withUnsafeBytes { buffer in
                Result { () throws(DecodeError) in try decode(buffer) }
            }.get()
        } catch {
            throw BlockLoader.corruption(path: path, handle: handle, error)
        }
    }
}
