/// The protocol's 16-byte `[uuid]`, as two big-endian halves.
public struct ProtocolUUID: Sendable, Hashable {
    /// The first 8 bytes.
    public var high: UInt64
    /// The last 8 bytes.
    public var low: UInt64
    /// Creates a UUID from its halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}
