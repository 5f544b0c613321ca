extension Token {
    /// The number of bytes in `orderPreservingBytes`.
    public static let orderPreservingByteCount = 8

    /// The token as 8 bytes whose unsigned lexicographic order is the token order:
    /// big-endian with the sign bit flipped (`Int64.min` → `00…00`, `Int64.max` → `FF…FF`).
    /// The storage engine prefixes partition keys with it so byte order is ring order.
    public var orderPreservingBytes: [UInt8] {
        withUnsafeBytes(of: orderPreservingBigEndian) { Array($0) }
    }

    /// `orderPreservingBytes` as one big-endian number in memory, for appending them without
    /// an array of their own.
    public var orderPreservingBigEndian: UInt64 { (UInt64(bitPattern: value) ^ Self.signBit).bigEndian }

    /// The inverse of `orderPreservingBytes`; `nil` unless `bytes` holds exactly 8 bytes.
    public init?(orderPreservingBytes bytes: some Collection<UInt8>) {
        guard bytes.count == Self.orderPreservingByteCount else { return nil }
        let biased = bytes.reduce(UInt64(0)) { accumulated, byte in accumulated << 8 | UInt64(byte) }
        self.init(Int64(bitPattern: biased ^ Self.signBit))
    }

    /// The token whose `orderPreservingBytes` start `bytes`; nil if it holds fewer than 8.
    /// (The request path's form: one load, no generic collection walk.)
    public init?(orderPreservingPrefixOf bytes: [UInt8]) {
        guard bytes.count >= Self.orderPreservingByteCount else { return nil }
        let biased = bytes.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        self.init(Int64(bitPattern: biased ^ Self.signBit))
    }

    private static let signBit: UInt64 = 1 << 63
}
