/// A non-null CQL value, typed. Null is `nil` where a value is optional (row cells, tuple and
/// UDT fields); collections never hold nulls.
///
/// `serialize(as:)` and `deserialize(_:as:)` (in `CQLValue+Serialize.swift` and
/// `CQLValue+Deserialize.swift`) give Cassandra's binary form, the `[bytes]` content of
/// the native protocol v4.
public indirect enum CQLValue: Sendable, Hashable {
    /// 7-bit ASCII text.
    case ascii(String)
    case bigint(Int64)
    case blob([UInt8])
    case boolean(Bool)
    case counter(Int64)
    /// Days since 1970-01-01 (negative before); serialized as `UInt32(days + 2^31)`.
    case date(Int32)
    case decimal(CQLDecimal)
    case double(Double)
    case duration(CQLDuration)
    case float(Float)
    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network order.
    case inet([UInt8])
    case int(Int32)
    case smallint(Int16)
    /// UTF-8 text (also `varchar`).
    case text(String)
    /// Nanoseconds since midnight, `0..<86_400_000_000_000`.
    case time(Int64)
    /// Milliseconds since 1970-01-01T00:00:00Z.
    case timestamp(Int64)
    /// A version-1 UUID.
    case timeuuid(CQLUUID)
    case tinyint(Int8)
    case uuid(CQLUUID)
    case varint(CQLVarint)
    case list([CQLValue])
    /// Elements in the order given; Cassandra keeps sets sorted by the element type's order.
    case set([CQLValue])
    case map([CQLMapEntry])
    /// One value per tuple component, `nil` for null.
    case tuple([CQLValue?])
    /// One value per UDT field, in declaration order, `nil` for null. Trailing fields may be
    /// absent (a UDT altered to add fields).
    case udt([CQLValue?])

    /// The number of nanoseconds in a day, the bound of `time`.
    public static let nanosecondsPerDay: Int64 = 86_400_000_000_000
}

/// One key/value entry of a CQL map.
public struct CQLMapEntry: Sendable, Hashable {
    /// The entry's key.
    public var key: CQLValue
    /// The entry's value.
    public var value: CQLValue

    /// The entry `key: value`.
    public init(key: CQLValue, value: CQLValue) {
        self.key = key
        self.value = value
    }
}
