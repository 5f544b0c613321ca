/// Arithmetic on unsigned big-endian magnitudes of any length, just enough to convert a
/// varint to decimal digits and back (for decimal ordering). Quadratic in the length, which
/// `CQLTypeLimits.maxVarintBytes` bounds.
enum UnsignedMagnitude {
    /// The decimal digits (values 0-9, most significant first) of the magnitude in `bytes`;
    /// empty for zero.
    static func decimalDigits(_ bytes: [UInt8]) -> [UInt8] {
        var limbs = limbsFrom(bytes)
        var chunks: [UInt32] = []
        while !limbs.isEmpty { chunks.append(divide(&limbs, by: 1_000_000_000)) }
        var digits: [UInt8] = []
        for (index, chunk) in chunks.reversed().enumerated() {
            let text = Array(String(chunk).utf8).map { $0 - 48 }
            if index > 0 { digits.append(contentsOf: [UInt8](repeating: 0, count: 9 - text.count)) }
            digits.append(contentsOf: text)
        }
        return digits
    }

    /// The minimal big-endian magnitude (no leading zero bytes; empty for zero) of the
    /// number whose decimal digits are `digits`.
    static func fromDecimalDigits(_ digits: [UInt8]) -> [UInt8] {
        var limbs: [UInt32] = []  // little-endian limbs
        for digit in digits { multiplyAdd(&limbs, multiplier: 10, addend: UInt32(digit)) }
        var bytes: [UInt8] = []
        for limb in limbs.reversed() { bytes.append(contentsOf: BigEndian.bytes(limb)) }
        return Array(bytes.drop(while: { $0 == 0 }))
    }

    /// Little-endian 32-bit limbs of a big-endian magnitude, without high zero limbs.
    private static func limbsFrom(_ bytes: [UInt8]) -> [UInt32] {
        var limbs: [UInt32] = []
        var end = bytes.count
        while end > 0 {
            let start = max(0, end - 4)
            var limb: UInt32 = 0
            for index in start..<end { limb = (limb << 8) | UInt32(bytes[index]) }
            limbs.append(limb)
            end = start
        }
        while limbs.last == 0 { limbs.removeLast() }
        return limbs
    }

    /// Divides little-endian `limbs` in place by `divisor`, returning the remainder.
    private static func divide(_ limbs: inout [UInt32], by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = (remainder << 32) | UInt64(limbs[index])
            limbs[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        while limbs.last == 0 { limbs.removeLast() }
        return UInt32(remainder)
    }

    /// `limbs = limbs * multiplier + addend`, little-endian limbs.
    private static func multiplyAdd(_ limbs: inout [UInt32], multiplier: UInt32, addend: UInt32) {
        var carry = UInt64(addend)
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(multiplier) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
    }
}
