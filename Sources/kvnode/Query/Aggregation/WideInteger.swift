import KVCore

/// A signed arbitrary-precision integer with just the arithmetic `sum` and `avg` over
/// `varint` and `decimal` need: addition, multiplication and division by a small number.
/// The magnitude is little-endian 32-bit limbs without leading zero limbs (zero is `[]`).
struct WideInteger: Equatable {
    private(set) var isNegative = false
    private(set) var limbs: [UInt32] = []

    static let zero = WideInteger()

    init() {}

    /// The integer in big-endian two's-complement `bytes` (a serialized `varint`).
    init(twosComplement bytes: [UInt8]) {
        let varint = CQLVarint(twosComplement: bytes)
        var limbs: [UInt32] = []
        var limb: UInt32 = 0
        for (index, byte) in varint.magnitude.reversed().enumerated() {
            limb |= UInt32(byte) << (8 * UInt32(index % 4))
            if index % 4 == 3 { limbs.append(limb); limb = 0 }
        }
        limbs.append(limb)
        self.init(isNegative: varint.isNegative, limbs: limbs)
    }

    private init(isNegative: Bool, limbs: [UInt32]) {
        var trimmed = limbs
        while trimmed.last == 0 { trimmed.removeLast() }
        self.limbs = trimmed
        self.isNegative = isNegative && !trimmed.isEmpty
    }

    /// The minimal big-endian two's-complement bytes (a serialized `varint`).
    var twosComplement: [UInt8] {
        let magnitude = limbs.reversed().flatMap { limb in (0..<4).map { UInt8(truncatingIfNeeded: limb >> (24 - 8 * $0)) } }
        return CQLVarint(negative: isNegative, magnitude: magnitude).bytes
    }

    static func + (left: WideInteger, right: WideInteger) -> WideInteger {
        if left.isNegative == right.isNegative {
            return WideInteger(isNegative: left.isNegative, limbs: addMagnitudes(left.limbs, right.limbs))
        }
        let (larger, smaller) = compareMagnitudes(left.limbs, right.limbs) >= 0 ? (left, right) : (right, left)
        return WideInteger(isNegative: larger.isNegative, limbs: subtractMagnitudes(larger.limbs, smaller.limbs))
    }

    func negated() -> WideInteger { WideInteger(isNegative: !isNegative, limbs: limbs) }

    func multiplied(by factor: UInt32) -> WideInteger {
        var carry: UInt64 = 0
        var product: [UInt32] = []
        for limb in limbs {
            let value = UInt64(limb) * UInt64(factor) + carry
            product.append(UInt32(truncatingIfNeeded: value))
            carry = value >> 32
        }
        product.append(UInt32(carry))
        return WideInteger(isNegative: isNegative, limbs: product)
    }

    /// The quotient rounded toward zero and the remainder of the magnitude.
    func divided(by divisor: UInt32) -> (quotient: WideInteger, remainder: UInt32) {
        precondition(divisor > 0, "division by zero")
        var quotient = [UInt32](repeating: 0, count: limbs.count)
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let value = remainder << 32 | UInt64(limbs[index])
            quotient[index] = UInt32(value / UInt64(divisor))
            remainder = value % UInt64(divisor)
        }
        return (WideInteger(isNegative: isNegative, limbs: quotient), UInt32(remainder))
    }

    /// The magnitude plus one, with the sign given: rounding a truncated quotient away from
    /// zero (the sign is passed because a zero quotient has lost it).
    func incrementedMagnitude(negative: Bool) -> WideInteger {
        WideInteger(isNegative: negative, limbs: Self.addMagnitudes(limbs, [1]))
    }

    var isOdd: Bool { (limbs.first ?? 0) & 1 == 1 }

    private static func addMagnitudes(_ left: [UInt32], _ right: [UInt32]) -> [UInt32] {
        var sum: [UInt32] = []
        var carry: UInt64 = 0
        for index in 0..<max(left.count, right.count) {
            let value = UInt64(index < left.count ? left[index] : 0) + UInt64(index < right.count ? right[index] : 0) + carry
            sum.append(UInt32(truncatingIfNeeded: value))
            carry = value >> 32
        }
        sum.append(UInt32(carry))
        return sum
    }

    /// `left - right` for `left >= right`.
    private static func subtractMagnitudes(_ left: [UInt32], _ right: [UInt32]) -> [UInt32] {
        var difference: [UInt32] = []
        var borrow: Int64 = 0
        for index in left.indices {
            var value = Int64(left[index]) - Int64(index < right.count ? right[index] : 0) - borrow
            borrow = value < 0 ? 1 : 0
            if value < 0 { value += 1 << 32 }
            difference.append(UInt32(value))
        }
        return difference
    }

    private static func compareMagnitudes(_ left: [UInt32], _ right: [UInt32]) -> Int {
        if left.count != right.count { return left.count < right.count ? -1 : 1 }
        for index in left.indices.reversed() where left[index] != right[index] {
            return left[index] < right[index] ? -1 : 1
        }
        return 0
    }
}
