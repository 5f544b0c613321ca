/// Cassandra's `decimal`: `unscaled × 10^(-scale)`, like Java's `BigDecimal`.
///
/// Equality is representational (1.5 and 1.50 differ); numeric order, where they are
/// equal as in `BigDecimal.compareTo`, is `CQLDecimal.compare`.
public struct CQLDecimal: Sendable, Hashable {
    /// The power of ten the unscaled value is divided by; negative scales multiply.
    public var scale: Int32
    /// The integer digits of the value.
    public var unscaled: CQLVarint

    /// The decimal `unscaled × 10^(-scale)`.
    public init(scale: Int32, unscaled: CQLVarint) {
        self.scale = scale
        self.unscaled = unscaled
    }

    /// The numeric normal form: the value is `sign × 0.d1 d2 … dn × 10^exponent` with
    /// `d1 != 0` and `dn != 0`; zero has sign 0, no digits and exponent 0.
    public struct NormalForm: Sendable, Hashable {
        /// -1, 0 or 1.
        public var sign: Int
        public var exponent: Int64
        /// Decimal digits 0-9, most significant first, no leading or trailing zeros.
        public var digits: [UInt8]
    }

    /// This value's numeric normal form (costs a conversion of the unscaled value to
    /// decimal digits, quadratic in its length).
    public var normalForm: NormalForm {
        var digits = UnsignedMagnitude.decimalDigits(unscaled.magnitude)
        guard !digits.isEmpty else { return NormalForm(sign: 0, exponent: 0, digits: []) }
        let exponent = Int64(digits.count) - Int64(scale)
        while digits.last == 0 { digits.removeLast() }
        return NormalForm(sign: unscaled.isNegative ? -1 : 1, exponent: exponent, digits: digits)
    }

    /// The decimal with the given normal form and the smallest scale that holds it (at least
    /// `Int32.min`, padding digits with zeros when needed). `nil` when the value needs a
    /// scale above `Int32.max`.
    public init?(normalForm form: NormalForm) {
        guard form.sign != 0, !form.digits.isEmpty else {
            self.init(scale: 0, unscaled: CQLVarint(0))
            return
        }
        var digits = form.digits
        let (difference, overflow) = Int64(digits.count).subtractingReportingOverflow(form.exponent)
        guard !overflow else { return nil }
        var scale = difference
        if scale < Int64(Int32.min) {
            let padding = Int64(Int32.min) - scale
            guard Int64(digits.count) + padding <= Int64(CQLTypeLimits.maxDecimalDigits) else { return nil }
            digits.append(contentsOf: [UInt8](repeating: 0, count: Int(padding)))
            scale = Int64(Int32.min)
        }
        guard scale <= Int64(Int32.max) else { return nil }
        let magnitude = UnsignedMagnitude.fromDecimalDigits(digits)
        self.init(scale: Int32(scale), unscaled: CQLVarint(negative: form.sign < 0, magnitude: magnitude))
    }

    /// Numeric order (as `BigDecimal.compareTo`): -1, 0 or 1.
    public static func compare(_ left: CQLDecimal, _ right: CQLDecimal) -> Int {
        let a = left.normalForm, b = right.normalForm
        if a.sign != b.sign { return a.sign < b.sign ? -1 : 1 }
        if a.sign == 0 { return 0 }
        var order: Int
        if a.exponent != b.exponent {
            order = a.exponent < b.exponent ? -1 : 1
        } else {
            order = compareUnsigned(a.digits, b.digits)
        }
        return a.sign < 0 ? -order : order
    }
}
