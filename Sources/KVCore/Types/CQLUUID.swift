/// A 128-bit UUID as two big-endian halves: `high` is bytes 0-7, `low` bytes 8-15.
public struct CQLUUID: Sendable, Hashable {
    /// Bytes 0-7, big-endian (time_low, time_mid, version and time_hi for version 1).
    public var high: UInt64
    /// Bytes 8-15, big-endian (variant, clock sequence and node for version 1).
    public var low: UInt64

    /// The UUID with the given halves; any version.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The UUID in `bytes`, which must hold exactly 16 bytes (else `nil`).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        high = BigEndian.uint64(bytes, at: 0)
        low = BigEndian.uint64(bytes, at: 8)
    }

    /// The 16 bytes, network order.
    public var bytes: [UInt8] { BigEndian.bytes(high) + BigEndian.bytes(low) }

    /// The version nibble (1 for time-based UUIDs).
    public var version: Int { Int((high >> 12) & 0xF) }

    /// For a version-1 UUID, the 60-bit timestamp (100 ns units since 1582-10-15) with the
    /// version nibble on top: Cassandra's `TimeUUIDType.reorderTimestampBytes`.
    public var reorderedTimestamp: UInt64 {
        (high << 48) | ((high << 16) & 0xFFFF_0000_0000) | (high >> 32)
    }

    /// Inverse of `reorderedTimestamp`: the `high` half whose reordering is `reordered`.
    public static func high(fromReorderedTimestamp reordered: UInt64) -> UInt64 {
        (reordered << 32) | ((reordered >> 16) & 0xFFFF_0000) | (reordered >> 48)
    }
}
