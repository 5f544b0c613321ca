/// Constants and limits of the SSTable file format, in one place (layout in FORMAT.md,
/// "SSTable").
enum SSTableFormat {
    /// The format version written by `SSTableWriter`. Versions only grow; a number is never
    /// reused for a different layout. Readers reject versions they do not know.
    ///
    /// 1: the first layout. 2: data blocks may end in a hash index (flagged in the block's
    /// restart count, so a version 2 reader reads version 1 blocks unchanged).
    static let currentVersion: UInt32 = 2

    /// The versions `SSTableReader` can read.
    static let supportedVersions: ClosedRange<UInt32> = 1...2

    /// The last 8 bytes of every SSTable: the ASCII bytes "KVSSTBL1" (stored little-endian,
    /// so the file ends with exactly those characters).
    static let magic: UInt64 = 0x314C_4254_5353_564B

    /// The largest uncompressed block a reader accepts: bounds the memory a damaged length
    /// can make a reader allocate. The writer's limits below keep every block under it
    /// (a block is cut before it reaches the target size plus one entry).
    static let maxBlockSizeBytes = 1 << 30

    /// The largest `SSTableWriterOptions.blockSizeBytes`.
    static let maxTargetBlockSizeBytes = 256 << 20

    /// The largest packed row key `SSTableWriter.add` accepts.
    static let maxKeySizeBytes = 1 << 20

    /// The largest encoded row `SSTableWriter.add` accepts.
    static let maxRowSizeBytes = 512 << 20

    /// The most bytes LZ4 can expand `n` compressed bytes to is about 255 n; a trailer that
    /// claims more is damaged.
    static let maxCompressionRatio = 255

    /// The size of the fixed-size footer at the end of the file.
    static let footerSizeBytes = SSTableFooter.encodedSizeBytes

    /// The size of the trailer after every block.
    static let blockTrailerSizeBytes = BlockTrailer.encodedSizeBytes
}

/// How a block's stored bytes are compressed. Stored in each block trailer; raw values are
/// part of the format and never reused.
public enum SSTableCompression: UInt8, Sendable, Hashable {
    /// Stored as is.
    case none = 0
    /// LZ4 block format (liblz4 `LZ4_compress_default`).
    case lz4 = 1
}
