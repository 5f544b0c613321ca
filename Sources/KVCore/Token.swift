/// A position on the ring: a signed 64-bit Murmur3 token, as in Cassandra's
/// `Murmur3Partitioner`.
///
/// Tokens order as signed integers. `Token.minimum` (`Int64.min`) is the partitioner's
/// minimum token: it is never the token of a partition (the partitioner maps a hash of
/// `Int64.min` to `Int64.max`) and never a node's token, so a range can start there.
/// Values are plain integers: copying and comparing cost nothing.
public struct Token: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The signed token value.
    public var value: Int64

    /// Wraps `value`; any `Int64` is accepted (`Int64.min` is `Token.minimum`).
    @inlinable
    public init(_ value: Int64) { self.value = value }

    /// `Int64.min`: before every real token; never a partition's or a node's token.
    public static let minimum = Token(Int64.min)

    /// `Int64.max`: the greatest token, which a partition can have.
    public static let maximum = Token(Int64.max)

    @inlinable
    public static func < (left: Token, right: Token) -> Bool { left.value < right.value }

    /// The decimal value, as Cassandra prints tokens (`nodetool ring`, `system.local`).
    public var description: String { String(value) }

    /// Parses a decimal token as Cassandra prints it; `nil` if `text` is not an `Int64`.
    public init?(_ text: String) {
        guard let value = Int64(text) else { return nil }
        self.value = value
    }
}
