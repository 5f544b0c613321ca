import KVCore

/// How `SSTableWriter` lays out a new SSTable. Defaults are in one place: here.
public struct SSTableWriterOptions: Sendable, Hashable {
    /// Target uncompressed size of a data block; a block is cut once it reaches this size.
    /// Default 16 KiB. Must be in 1...256 MiB.
    public var blockSizeBytes: Int
    /// A data block stores a whole key (a restart point) every this many entries, and only
    /// the differing suffix otherwise. Default 4; at least 1. A point lookup scans up to this
    /// many entries after its binary search, each often a cache miss: 4 rather than
    /// LevelDB's 16 cut the block search by a fifth on point reads (perf), and keys that
    /// start with a token share little prefix to lose.
    public var restartInterval: Int
    /// Whether data blocks get a hash index from key to restart point (FORMAT.md "Data
    /// block"), so point lookups skip the restart binary search. Default true. Not a table
    /// option: readers take blocks with or without it, so every new SSTable follows this.
    public var dataBlockHashIndex: Bool
    /// Bloom filter bits per partition; 10 gives about 1% false positives, 0 disables the
    /// filter. Default 10; at most 64.
    public var bloomBitsPerKey: Int
    /// Compression of data blocks. Default LZ4. A block that LZ4 does not shrink by at
    /// least 1/8 is stored uncompressed.
    public var compression: SSTableCompression
    /// Columns whose per-block value bounds are kept in `BlockStatistics.columns`, with the
    /// order of their values. Default none.
    public var columnOrderings: [UInt32: ValueOrdering]

    /// Options with the defaults above unless given.
    public init(blockSizeBytes: Int = 16 * 1024, restartInterval: Int = 4, dataBlockHashIndex: Bool = true,
                bloomBitsPerKey: Int = 10, compression: SSTableCompression = .lz4,
                columnOrderings: [UInt32: ValueOrdering] = [:]) {
        self.blockSizeBytes = blockSizeBytes
        self.restartInterval = restartInterval
        self.dataBlockHashIndex = dataBlockHashIndex
        self.bloomBitsPerKey = bloomBitsPerKey
        self.compression = compression
        self.columnOrderings = columnOrderings
    }

    /// Throws `.invalidArgument` naming the first option out of range.
    func validate() throws(StoreError) {
        guard (1...SSTableFormat.maxTargetBlockSizeBytes).contains(blockSizeBytes) else {
            throw .invalidArgument("SSTable block size \(blockSizeBytes) is not in 1...\(SSTableFormat.maxTargetBlockSizeBytes)")
        }
        guard (1...(1 << 20)).contains(restartInterval) else {
            throw .invalidArgument("SSTable restart interval \(restartInterval) is not in 1...\(1 << 20)")
        }
        guard (0...64).contains(bloomBitsPerKey) else {
            throw .invalidArgument("bloom filter bits per key \(bloomBitsPerKey) is not in 0...64")
        }
    }
}
