/// Reading numbers of any size from CQL's decimal literal text.
extension CQLVarint {
    /// The integer written in `text` (`-` or `+` sign, then decimal digits); nil otherwise or
    /// beyond `CQLTypeLimits.maxDecimalDigits` digits.
    public init?(decimalText text: String) {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= CQLTypeLimits.maxDecimalDigits,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let values = digits.map { UInt8($0.asciiValue! - 48) }
        self.init(negative: negative, magnitude: UnsignedMagnitude.fromDecimalDigits(values))
    }
}

extension CQLDecimal {
    /// The decimal written in `text`: sign, digits with an optional fraction, optional
    /// exponent (`-12.50`, `1e3`, `.5E-2`), keeping the scale as written (`1.50` has scale 2).
    public init?(decimalText text: String) {
        var rest = Substring(text)
        var exponent: Int64 = 0
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int64(rest[rest.index(after: e)...]) else { return nil }
            exponent = value
            rest = rest[..<e]
        }
        let negative = rest.first == "-"
        if negative || rest.first == "+" { rest = rest.dropFirst() }
        var fractionDigits = 0
        if let dot = rest.firstIndex(of: ".") {
            fractionDigits = rest.distance(from: dot, to: rest.endIndex) - 1
            rest = rest[..<dot] + rest[rest.index(after: dot)...]
        }
        guard let unscaled = CQLVarint(decimalText: (negative ? "-" : "") + String(rest)) else { return nil }
        let scale = Int64(fractionDigits) - exponent
        guard let scale32 = Int32(exactly: scale) else { return nil }
        self.init(scale: scale32, unscaled: unscaled)
    }
}
