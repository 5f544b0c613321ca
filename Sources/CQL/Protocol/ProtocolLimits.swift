/// Every bound the native-protocol codec enforces, in one place.
///
/// The server passes one value to `FrameDecoder` and `RequestDecoder`; tests shrink the limits
/// to exercise the refusals cheaply. All sizes are in bytes.
public struct ProtocolLimits: Sendable, Equatable {
    /// The largest frame body accepted (the header's length field), checked before the body is
    /// buffered. Cassandra's default native-transport limit is 16 MiB.
    public var maxFrameBodyBytes: Int
    /// The largest uncompressed size an LZ4 body may claim; larger claims are refused before
    /// any allocation ("LZ4 bomb").
    public var maxUncompressedBodyBytes: Int
    /// The deepest nesting of collection/tuple/UDT types accepted in an `[option]`.
    public var maxTypeNestingDepth: Int
    /// The most rows a decoded Rows result may claim when it has no columns (such rows cost no
    /// body bytes, so the body length cannot bound them). Client-side decoding only.
    public var maxRowsWithoutColumns: Int

    /// Creates limits; the defaults match the documentation in `FORMAT.md`.
    public init(maxFrameBodyBytes: Int = 16 * 1024 * 1024,
                maxUncompressedBodyBytes: Int = 32 * 1024 * 1024,
                maxTypeNestingDepth: Int = 32,
                maxRowsWithoutColumns: Int = 65_536) {
        self.maxFrameBodyBytes = maxFrameBodyBytes
        self.maxUncompressedBodyBytes = maxUncompressedBodyBytes
        self.maxTypeNestingDepth = maxTypeNestingDepth
        self.maxRowsWithoutColumns = maxRowsWithoutColumns
    }

    /// The defaults: 16 MiB frames, 32 MiB uncompressed bodies, 32 levels of type nesting.
    public static let `default` = ProtocolLimits()

    /// The size of a v3/v4 frame header.
    public static let headerBytes = 9
    /// The size of a v1/v2 frame header (one-byte stream id), used only to answer old clients.
    public static let legacyHeaderBytes = 8
}
