/// Big-endian fixed-width integer helpers over byte arrays. Callers check bounds first.
enum BigEndian {
    static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func uint64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        integer(bytes, at: offset, width: 8)
    }

    /// The unsigned big-endian integer in `bytes[offset..<offset+width]`.
    static func integer<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, width: Int) -> T {
        var value: T = 0
        for index in offset..<(offset + width) { value = (value << 8) | T(truncatingIfNeeded: bytes[index]) }
        return value
    }
}
