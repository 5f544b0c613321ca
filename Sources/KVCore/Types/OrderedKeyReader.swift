/// Reads an order-preserving key, XOR-ing each byte with `mask`; throws on truncation.
struct OrderedKeyReader {
    let bytes: [UInt8]
    var offset: Int
    var mask: UInt8

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func readByte() throws(CQLValueError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(type: "clustering key") }
        defer { offset += 1 }
        return bytes[offset] ^ mask
    }

    mutating func readBytes(_ count: Int) throws(CQLValueError) -> [UInt8] {
        guard bytes.count - offset >= count else { throw .truncated(type: "clustering key") }
        defer { offset += count }
        return bytes[offset..<(offset + count)].map { $0 ^ mask }
    }
}
