/// The header flags byte.
///
/// Bits we do not know are kept (so a frame round-trips) but ignored by the decoders.
public struct FrameFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x01: the body is compressed with the algorithm negotiated in STARTUP.
    public static let compression = FrameFlags(rawValue: 0x01)
    /// 0x02: a request asks for tracing; a response body starts with the tracing `[uuid]`.
    public static let tracing = FrameFlags(rawValue: 0x02)
    /// 0x04: a `[bytes map]` custom payload precedes the message body.
    public static let customPayload = FrameFlags(rawValue: 0x04)
    /// 0x08 (responses only): a `[string list]` of warnings precedes the message body.
    public static let warning = FrameFlags(rawValue: 0x08)
}
