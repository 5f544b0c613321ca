import CQL

/// A `decimal` (unscaled × 10^-scale) with the arithmetic of Java's `BigDecimal` that
/// Cassandra's `sum` and `avg` use: exact addition at the larger scale, and division by the
/// row count rounded half-even at the dividend's scale.
struct WideDecimal {
    /// Scales further apart than this are refused rather than multiplied out.
    static let maxScaleDifference = 10_000

    var unscaled = WideInteger.zero
    var scale: Int32 = 0

    init() {}

    /// The decimal in a serialized value (4-byte big-endian scale, then a varint); nil for
    /// an empty or short value, which counts as null.
    init?(serialized bytes: [UInt8]) {
        guard bytes.count > 4 else { return nil }
        scale = Int32(bitPattern: bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        unscaled = WideInteger(twosComplement: Array(bytes.dropFirst(4)))
    }

    var serialized: [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: scale >> (24 - 8 * Int32($0))) } + unscaled.twosComplement
    }

    func adding(_ other: WideDecimal) throws(ErrorResponse) -> WideDecimal {
        let scale = max(self.scale, other.scale)
        var sum = WideDecimal()
        sum.scale = scale
        sum.unscaled = try rescaled(to: scale) + other.rescaled(to: scale)
        return sum
    }

    /// One step of Cassandra's running average: `self + (value - self) / count`, the division
    /// rounded half-even at the scale of `value - self`.
    func averaging(_ value: WideDecimal, count: UInt32) throws(ErrorResponse) -> WideDecimal {
        var difference = try value.adding(negated())
        let (quotient, remainder) = difference.unscaled.divided(by: count)
        let half = UInt64(remainder) * 2
        let roundsUp = half > UInt64(count) || (half == UInt64(count) && quotient.isOdd)
        difference.unscaled = roundsUp ? quotient.incrementedMagnitude(negative: difference.unscaled.isNegative) : quotient
        return try adding(difference)
    }

    private func negated() -> WideDecimal {
        var negative = self
        negative.unscaled = unscaled.negated()
        return negative
    }

    private func rescaled(to target: Int32) throws(ErrorResponse) -> WideInteger {
        let steps = Int(target) - Int(scale)
        guard steps <= Self.maxScaleDifference else {
            throw ErrorResponse(.invalid, message: "decimal values whose scales differ by more than \(Self.maxScaleDifference) cannot be summed or averaged")
        }
        var value = unscaled
        for _ in 0..<steps { value = value.multiplied(by: 10) }
        return value
    }
}
