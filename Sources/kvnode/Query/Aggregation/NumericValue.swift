import KVCore

/// Decoding and encoding of the fixed-width numbers `sum` and `avg` accept (`varint` and
/// `decimal` use `WideInteger` and `WideDecimal`). Integers are
/// summed in 64-bit two's complement and truncated to the type's width on output, which is
/// what Cassandra's fixed-width accumulators give; floats are summed as doubles.
enum NumericValue {
    /// Whether `type` is a fixed-width integer or a floating-point type.
    static func isFixedWidthNumber(_ type: CQLDataType) -> Bool {
        integerWidthBytes(type) != nil || isFloatingPoint(type)
    }

    static func isFloatingPoint(_ type: CQLDataType) -> Bool {
        type == .float || type == .double
    }

    static func integerWidthBytes(_ type: CQLDataType) -> Int? {
        switch type {
        case .tinyint: return 1
        case .smallint: return 2
        case .int: return 4
        case .bigint, .counter: return 8
        default: return nil
        }
    }

    /// The integer in `bytes` (big-endian two's complement), nil when the width is wrong
    /// (an empty value counts as null, as in Cassandra).
    static func integer(_ bytes: [UInt8], widthBytes: Int) -> Int64? {
        guard bytes.count == widthBytes else { return nil }
        var value = Int64(Int8(bitPattern: bytes[0]))
        for byte in bytes.dropFirst() { value = value << 8 | Int64(byte) }
        return value
    }

    static func floatingPoint(_ bytes: [UInt8], type: CQLDataType) -> Double? {
        let bits = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        switch (type, bytes.count) {
        case (.float, 4): return Double(Float(bitPattern: UInt32(bits)))
        case (.double, 8): return Double(bitPattern: bits)
        default: return nil
        }
    }

    static func encode(integer value: Int64, widthBytes: Int) -> [UInt8] {
        (0..<widthBytes).map { UInt8(truncatingIfNeeded: value >> (8 * (widthBytes - 1 - $0))) }
    }

    static func encode(floatingPoint value: Double, type: CQLDataType) -> [UInt8] {
        if type == .float { return encode(integer: Int64(Float(value).bitPattern), widthBytes: 4) }
        return encode(integer: Int64(bitPattern: value.bitPattern), widthBytes: 8)
    }
}
