/// Order-preserving bodies of `varint` and `decimal`, whose numeric order differs from the
/// order of their serialized bytes.
///
/// `varint` (the value as minimal two's complement, `n` bytes):
///
///     non-negative: 0x01, UInt32(n) big-endian,  the n bytes
///     negative:     0x00, ~UInt32(n) big-endian, the n bytes
///
/// Among values of one sign and length the two's-complement bytes order numerically; a longer
/// minimal form is a larger magnitude, hence larger when positive and smaller when negative.
///
/// `decimal` (numeric normal form `sign × 0.d1…dn × 10^e`, d1 and dn non-zero):
///
///     zero:     0x02
///     positive: 0x03, Int64(e) with the sign bit flipped, (d1+1) … (dn+1), 0x00
///     negative: 0x01, then the positive layout's bytes after its first, each inverted
///
/// A larger exponent is a larger magnitude; at equal exponents the digit strings order
/// lexicographically, a proper prefix first (0.12 < 0.121), which the 0x00 terminator gives.
/// Equal numbers with different scales (1.5, 1.50) encode identically, as Cassandra compares
/// them equal; decoding gives the smallest scale (15, scale 1).
extension OrderPreservingTransform {
    static func appendVarint(_ value: [UInt8], to key: inout OrderedKeyWriter) throws(CQLValueError) {
        let number = try CQLScalarDecoder.varint(value, typeName: "varint")
        let length = UInt32(number.bytes.count)
        key.append(number.isNegative ? 0x00 : 0x01)
        key.append(contentsOf: BigEndian.bytes(number.isNegative ? ~length : length))
        key.append(contentsOf: number.bytes)
    }

    static func readVarint(from key: inout OrderedKeyReader) throws(CQLValueError) -> [UInt8] {
        let sign = try key.readByte()
        guard sign <= 1 else { throw .invalidContent(type: "clustering key", reason: "bad varint sign") }
        let rawLength: UInt32 = BigEndian.integer(try key.readBytes(4), at: 0, width: 4)
        let length = Int(sign == 0 ? ~rawLength : rawLength)
        guard length >= 1, length <= CQLTypeLimits.maxVarintBytes else {
            throw .invalidContent(type: "clustering key", reason: "varint of \(length) bytes")
        }
        return try key.readBytes(length)
    }

    static func appendDecimal(_ value: [UInt8], to key: inout OrderedKeyWriter) throws(CQLValueError) {
        guard case .decimal(let number) = try CQLValue.deserialize(value, as: .decimal) else { return }
        let form = number.normalForm
        guard form.sign != 0 else { key.append(0x02); return }
        key.append(form.sign < 0 ? 0x01 : 0x03)
        var body = BigEndian.bytes(UInt64(bitPattern: form.exponent) ^ (1 << 63))
        body.append(contentsOf: form.digits.map { $0 + 1 })
        body.append(0)
        key.append(contentsOf: form.sign < 0 ? body.map { ~$0 } : body)
    }

    static func readDecimal(from key: inout OrderedKeyReader) throws(CQLValueError) -> [UInt8] {
        let sign = try key.readByte()
        guard sign != 0x02 else { return [0, 0, 0, 0, 0] }
        guard sign == 0x01 || sign == 0x03 else {
            throw .invalidContent(type: "clustering key", reason: "bad decimal sign")
        }
        let flip: UInt8 = sign == 0x01 ? 0xFF : 0x00
        let exponentBits = BigEndian.uint64(try key.readBytes(8).map { $0 ^ flip }, at: 0) ^ (1 << 63)
        let digits = try readDigits(from: &key, flip: flip)
        let form = CQLDecimal.NormalForm(
            sign: sign == 0x01 ? -1 : 1, exponent: Int64(bitPattern: exponentBits), digits: digits)
        guard let number = CQLDecimal(normalForm: form) else {
            throw .invalidContent(type: "clustering key", reason: "decimal scale out of range")
        }
        return try CQLValue.decimal(number).serialize(as: .decimal)
    }

    private static func readDigits(from key: inout OrderedKeyReader, flip: UInt8) throws(CQLValueError) -> [UInt8] {
        var digits: [UInt8] = []
        while true {
            let byte = try key.readByte() ^ flip
            if byte == 0 { return digits }
            guard byte <= 10, digits.count < CQLTypeLimits.maxDecimalDigits else {
                throw .invalidContent(type: "clustering key", reason: "bad decimal digit")
            }
            digits.append(byte - 1)
        }
    }
}
