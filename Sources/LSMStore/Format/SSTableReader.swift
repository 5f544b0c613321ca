import KVCore

/// An open SSTable: its footer, index, bloom filter, statistics and tombstones checked and
/// held in memory; data blocks read on demand through the optional shared `BlockCache`.
///
/// Immutable and thread-safe: any number of threads may call `get` and make iterators at
/// once. Keeps its file open until the last reference (reader or iterator) goes, which is
/// how snapshots keep a compacted-away file readable. Damage found on disk is reported as
/// `StoreError.corruption` naming the file and the offset of the damaged block; bad bytes
/// are never returned as data.
public final class SSTableReader: Sendable {
    /// The file this reader reads.
    public let path: String
    /// The number that names this file in the manifest; with the block offset, the cache key.
    public let fileNumber: UInt64
    /// The statistics the writer stored.
    public let statistics: SSTableStatistics
    let file: any ReadableFile
    let index: SSTableIndex
    let cache: BlockCache?
    private let bloom: BloomFilter
    private let tombstoneList: [PartitionTombstones]

    private init(path: String, fileNumber: UInt64, file: any ReadableFile, cache: BlockCache?,
                 metadata: SSTableMetadata) {
        self.path = path
        self.fileNumber = fileNumber
        self.file = file
        self.cache = cache
        self.statistics = metadata.statistics
        self.index = metadata.index
        self.bloom = metadata.bloom
        self.tombstoneList = metadata.tombstones
    }

    deinit { file.close() }

    /// Opens the SSTable at `path`: reads and checks the footer, then the tombstones, bloom,
    /// statistics and index blocks (checksums and structure). Data blocks are checked when
    /// read. Throws `.corruption` (file and offset) on damage, `.io` if the file cannot be read.
    public static func open(path: String, fileNumber: UInt64, fileSystem: any FileSystem,
                            cache: BlockCache?) throws(StoreError) -> SSTableReader {
        let file: any ReadableFile
        do throws(FileSystemError) {
            file = try fileSystem.openForReading(path)
        } catch {
            throw .io(error)
        }
        do throws(StoreError) {
            let metadata = try SSTableMetadata.load(from: file, path: path)
            return SSTableReader(path: path, fileNumber: fileNumber, file: file, cache: cache, metadata: metadata)
        } catch {
            file.close()
            throw error
        }
    }

    // MARK: Point reads

    /// Whether the file may hold rows or tombstones of the partition with this prefix
    /// (`RowKey.partitionPrefix` form); false means it certainly holds none. No I/O.
    public func mayContain(partitionPrefix: UnsafeRawBufferPointer) -> Bool {
        bloom.mayContain(partitionPrefix)
    }

    /// The encoded row stored under exactly `key` (a packed row key), or nil. Checks the bloom
    /// filter first, then reads at most one block.
    public func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> [UInt8]? {
        try withValue(forKey: key) { Array($0) }
    }

    /// Calls `body` with the encoded row stored under exactly `key` (a view valid only during
    /// the call) and returns its result, or nil if the key is absent. Allocation-free when
    /// the block is cached.
    public func withValue<Result>(forKey key: UnsafeRawBufferPointer,
                                  _ body: (UnsafeRawBufferPointer) -> Result) throws(StoreError) -> Result? {
        if let prefixLength = RowKey.partitionPrefixLength(key),
           !bloom.mayContain(UnsafeRawBufferPointer(rebasing: key[0..<prefixLength])) {
            return nil
        }
        let blockIndex = index.firstBlock(atOrAfter: key)
        guard blockIndex < index.count else { return nil }
        let block = try block(at: blockIndex)
        do throws(DecodeError) {
            guard let value = try block.value(forKey: key) else { return nil }
            return body(value)
        } catch {
            throw BlockLoader.corruption(path: path, handle: index.handles[blockIndex], error)
        }
    }

    /// Data block `blockIndex`, from the cache or the file (then cached if `fillsCache`).
    func block(at blockIndex: Int, fillsCache: Bool = true) throws(StoreError) -> Block {
        let handle = index.handles[blockIndex]
        guard let cache else { return try BlockLoader.loadBlock(from: file, path: path, handle: handle) }
        let key = BlockCache.Key(fileNumber: fileNumber, offset: handle.offset)
        if let block = cache.block(for: key) { return block }
        let block = try BlockLoader.loadBlock(from: file, path: path, handle: handle)
        if fillsCache { cache.insert(block, for: key) }
        return block
    }

    // MARK: Tombstones

    /// The tombstones of one partition (`RowKey.partitionPrefix` form), or nil. No I/O.
    public func tombstones(partitionPrefix: UnsafeRawBufferPointer) -> PartitionTombstones? {
        var low = 0, high = tombstoneList.count
        while low < high {
            let middle = (low + high) / 2
            let order = tombstoneList[middle].partitionPrefix.withUnsafeBytes { compareBytes($0, partitionPrefix) }
            if order == 0 { return tombstoneList[middle] }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Every partition's tombstones, sorted by partition prefix.
    public var allTombstones: [PartitionTombstones] { tombstoneList }

    // MARK: Blocks

    /// Data blocks in the file.
    public var blockCount: Int { index.count }

    /// The statistics of data block `index` (in `0..<blockCount`).
    public func blockStatistics(_ index: Int) -> BlockStatistics { self.index.statistics[index] }

    /// The exact last key of data block `index` (in `0..<blockCount`), as kept in the index.
    public func blockLastKey(_ index: Int) -> [UInt8] { self.index.lastKey(index) }

    /// A new iterator over the rows, unpositioned. It keeps this reader alive.
    public func makeIterator() -> SSTableIterator { SSTableIterator(reader: self) }
}
