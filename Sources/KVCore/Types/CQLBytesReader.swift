/// A cursor over the bytes of one collection, tuple or UDT value.
struct CQLBytesReader {
    let bytes: [UInt8]
    let typeName: String
    var offset = 0

    init(bytes: [UInt8], typeName: String) {
        self.bytes = bytes
        self.typeName = typeName
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func readInt32() throws(CQLValueError) -> Int32 {
        guard bytes.count - offset >= 4 else { throw .truncated(type: typeName) }
        defer { offset += 4 }
        return Int32(bitPattern: BigEndian.integer(bytes, at: offset, width: 4))
    }

    /// A collection's element count, checked against the limit and the bytes left.
    mutating func readCount() throws(CQLValueError) -> Int {
        let count = Int(try readInt32())
        guard count >= 0 else { throw .invalidContent(type: typeName, reason: "negative count \(count)") }
        guard count <= CQLTypeLimits.maxCollectionElements else {
            throw .limitExceeded(type: typeName, reason: "\(count) elements")
        }
        guard count <= (bytes.count - offset) / 4 else { throw .truncated(type: typeName) }
        return count
    }

    /// An `[int]`-length-prefixed element; `nil` for a negative length (null).
    mutating func readElement() throws(CQLValueError) -> [UInt8]? {
        let length = Int(try readInt32())
        if length < 0 { return nil }
        guard bytes.count - offset >= length else { throw .truncated(type: typeName) }
        defer { offset += length }
        return Array(bytes[offset..<(offset + length)])
    }

    mutating func readNonNullElement() throws(CQLValueError) -> [UInt8] {
        guard let element = try readElement() else {
            throw .invalidContent(type: typeName, reason: "null element in a collection")
        }
        return element
    }

    func expectEnd() throws(CQLValueError) {
        guard isAtEnd else { throw .trailingBytes(type: typeName, count: bytes.count - offset) }
    }
}
