/// Cassandra's variable-length integers (`VIntCoding`), used by the `duration` type.
///
/// Layout: the count of extra bytes (0-8) is the number of leading 1 bits in the first byte;
/// the remaining bits of the first byte and the extra bytes hold the value, big-endian.
/// Signed values are zigzag-encoded first (`(n << 1) ^ (n >> 63)`). This differs from the
/// little-endian LEB128 of `ByteWriter`.
enum CassandraVInt {
    /// Appends the unsigned vint of `value` (1-9 bytes).
    static func appendUnsigned(_ value: UInt64, to bytes: inout [UInt8]) {
        let leadingZeros = (value | 1).leadingZeroBitCount
        let size = (639 - leadingZeros * 9) >> 6
        if size == 9 {
            bytes.append(0xFF)
            bytes.append(contentsOf: BigEndian.bytes(value))
            return
        }
        var encoded = Array(BigEndian.bytes(value).suffix(size))
        encoded[0] |= ~UInt8(0xFF >> (size - 1))
        bytes.append(contentsOf: encoded)
    }

    /// Appends the zigzag-encoded signed vint of `value`.
    static func appendSigned(_ value: Int64, to bytes: inout [UInt8]) {
        appendUnsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &bytes)
    }

    /// Reads an unsigned vint at `offset`, advancing it; `nil` if the bytes end first.
    static func readUnsigned(_ bytes: [UInt8], offset: inout Int) -> UInt64? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        let extraBytes = (~first).leadingZeroBitCount
        guard bytes.count - offset - 1 >= extraBytes else { return nil }
        var value = extraBytes == 8 ? 0 : UInt64(first & UInt8(0xFF >> extraBytes))
        for index in 0..<extraBytes { value = (value << 8) | UInt64(bytes[offset + 1 + index]) }
        offset += 1 + extraBytes
        return value
    }

    /// Reads a zigzag-encoded signed vint at `offset`, advancing it.
    static func readSigned(_ bytes: [UInt8], offset: inout Int) -> Int64? {
        guard let raw = readUnsigned(bytes, offset: &offset) else { return nil }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }
}
