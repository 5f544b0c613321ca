import KVCore

/// A range of tokens `(start, end]` on the ring, exclusive of `start` and inclusive of
/// `end`, as Cassandra's `Range<Token>`; it wraps past `Token.maximum` when
/// `start >= end`, and `start == end` is the whole ring.
///
/// Each token of a node owns the range from the previous token on the ring to itself.
public struct TokenRange: Hashable, Sendable, CustomStringConvertible {
    /// The exclusive lower end.
    public var start: Token
    /// The inclusive upper end.
    public var end: Token

    /// The range `(start, end]`; any pair is valid (see the type's contract).
    public init(start: Token, end: Token) {
        self.start = start
        self.end = end
    }

    /// Whether the range passes `Token.maximum` and continues from `Token.minimum`.
    public var isWrapping: Bool { start >= end }

    /// Whether the range is the whole ring.
    public var isFullRing: Bool { start == end }

    /// Whether `token` lies in `(start, end]`.
    public func contains(_ token: Token) -> Bool {
        if isFullRing { return true }
        if start < end { return start < token && token <= end }
        return token > start || token <= end
    }

    /// The number of token values in the range, as a fraction of the whole ring (2^64
    /// values): `(0, 1]`. Exact to a `Double`'s precision.
    public var fractionOfRing: Double {
        if isFullRing { return 1 }
        let width = UInt64(bitPattern: end.value &- start.value)
        return Double(width) / Self.ringSize
    }

    /// 2^64, the number of token values, as a `Double`.
    static let ringSize = 18_446_744_073_709_551_616.0

    public var description: String { "(\(start), \(end)]" }
}
