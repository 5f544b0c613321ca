/// An arbitrary-precision integer in Cassandra's `varint` form: big-endian two's complement
/// in the fewest bytes (as Java's `BigInteger.toByteArray`), at least one byte.
public struct CQLVarint: Sendable, Hashable, CustomStringConvertible {
    /// The minimal two's-complement bytes; `[0]` for zero.
    public private(set) var bytes: [UInt8]

    /// The varint with two's-complement `bytes`, which need not be minimal (redundant sign
    /// bytes are dropped). Empty bytes are zero.
    public init(twosComplement bytes: [UInt8]) {
        self.bytes = CQLVarint.minimal(bytes)
    }

    /// The varint equal to `value`.
    public init(_ value: Int64) {
        self.init(twosComplement: BigEndian.bytes(value))
    }

    /// The varint `negative ? -magnitude : magnitude` for the unsigned big-endian `magnitude`.
    public init(negative: Bool, magnitude: [UInt8]) {
        var extended = [UInt8(0)] + magnitude
        if negative { CQLVarint.negate(&extended) }
        self.init(twosComplement: extended)
    }

    /// Whether the value is below zero.
    public var isNegative: Bool { bytes[0] & 0x80 != 0 }
    /// Whether the value is zero.
    public var isZero: Bool { bytes == [0] }

    /// The absolute value as a minimal unsigned big-endian magnitude (empty for zero).
    public var magnitude: [UInt8] {
        var value = bytes
        if isNegative { CQLVarint.negate(&value) }
        return Array(value.drop(while: { $0 == 0 }))
    }

    /// The value in decimal, like `-12345678901234567890`.
    public var description: String {
        let digits = UnsignedMagnitude.decimalDigits(magnitude)
        if digits.isEmpty { return "0" }
        return (isNegative ? "-" : "") + String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
    }

    /// Numeric order of two varints: -1, 0 or 1.
    public static func compare(_ left: CQLVarint, _ right: CQLVarint) -> Int {
        if left.isNegative != right.isNegative { return left.isNegative ? -1 : 1 }
        if left.bytes.count != right.bytes.count {
            let longerIsGreater = !left.isNegative
            return (left.bytes.count > right.bytes.count) == longerIsGreater ? 1 : -1
        }
        return compareUnsigned(left.bytes, right.bytes)
    }

    /// Two's-complement negation in place (fixed width).
    static func negate(_ value: inout [UInt8]) {
        var carry = true
        for index in value.indices.reversed() {
            value[index] = ~value[index]
            if carry {
                value[index] &+= 1
                carry = value[index] == 0
            }
        }
    }

    /// Drops leading bytes that only repeat the sign.
    static func minimal(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [0] }
        var start = 0
        while start + 1 < bytes.count {
            let current = bytes[start]
            let nextSign = bytes[start + 1] & 0x80
            guard (current == 0 && nextSign == 0) || (current == 0xFF && nextSign != 0) else { break }
            start += 1
        }
        return Array(bytes[start...])
    }
}
