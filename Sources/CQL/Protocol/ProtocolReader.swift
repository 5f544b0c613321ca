import NIOCore

/// A bounds-checked reader of the protocol's body notation over a `ByteBuffer`.
///
/// Every length prefix is checked against the bytes that remain before anything is allocated,
/// so a 2 GiB claim in a 20-byte body costs nothing. Errors are `ProtocolError`, never traps.
/// Collection readers (`[string list]`, maps) are bounded by the same check: each element
/// needs at least two bytes, so a count larger than half the remaining bytes is refused.
public struct ProtocolReader: Sendable {
    /// The unread bytes.
    public private(set) var buffer: ByteBuffer

    /// Creates a reader over `buffer`'s readable bytes.
    public init(_ buffer: ByteBuffer) { self.buffer = buffer }

    /// Creates a reader over a copy of `bytes`.
    public init(bytes: [UInt8]) { self.buffer = ByteBuffer(bytes: bytes) }

    /// How many bytes remain.
    public var remainingBytes: Int { buffer.readableBytes }

    /// Throws `.trailingBytes` unless everything was read.
    public func expectEnd() throws(ProtocolError) {
        if remainingBytes != 0 { throw .trailingBytes(remainingBytes) }
    }

    private func require(_ count: Int) throws(ProtocolError) {
        guard count <= remainingBytes else {
            throw .truncated(neededBytes: count, remainingBytes: remainingBytes)
        }
    }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws(ProtocolError) -> T {
        try require(MemoryLayout<T>.size)
        return buffer.readInteger(as: T.self)!
    }

    /// `[byte]`.
    public mutating func readByte() throws(ProtocolError) -> UInt8 { try integer(UInt8.self) }
    /// `[short]`, unsigned.
    public mutating func readShort() throws(ProtocolError) -> UInt16 { try integer(UInt16.self) }
    /// `[int]`.
    public mutating func readInt() throws(ProtocolError) -> Int32 { try integer(Int32.self) }
    /// `[long]`.
    public mutating func readLong() throws(ProtocolError) -> Int64 { try integer(Int64.self) }

    /// `count` raw bytes, checked before allocation.
    public mutating func readRawBytes(count: Int) throws(ProtocolError) -> [UInt8] {
        if count < 0 { throw .negativeLength(count) }
        try require(count)
        return buffer.readBytes(length: count)!
    }

    /// A bounded slice of `count` bytes sharing storage with the reader.
    public mutating func readSlice(count: Int) throws(ProtocolError) -> ByteBuffer {
        if count < 0 { throw .negativeLength(count) }
        try require(count)
        return buffer.readSlice(length: count)!
    }

    private mutating func utf8(count: Int) throws(ProtocolError) -> String {
        let bytes = try readRawBytes(count: count)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    /// `[string]`: `[short]` length then UTF-8.
    public mutating func readString() throws(ProtocolError) -> String {
        try utf8(count: Int(try readShort()))
    }

    /// `[long string]`: `[int]` length then UTF-8; a negative length is an error.
    public mutating func readLongString() throws(ProtocolError) -> String {
        try utf8(count: Int(try readInt()))
    }

    /// `[uuid]`: 16 bytes.
    public mutating func readUUID() throws(ProtocolError) -> ProtocolUUID {
        let high = try integer(UInt64.self)
        return ProtocolUUID(high: high, low: try integer(UInt64.self))
    }

    /// `[bytes]`: `[int]` length then bytes; any negative length is null.
    public mutating func readBytes() throws(ProtocolError) -> [UInt8]? {
        let length = try readInt()
        if length < 0 { return nil }
        return try readRawBytes(count: Int(length))
    }

    /// Skips a `[bytes]` (checked as `readBytes` checks it).
    public mutating func skipBytes() throws(ProtocolError) {
        let length = Int(try readInt())
        guard length > 0 else { return }
        try require(length)
        buffer.moveReaderIndex(forwardBy: length)
    }

    /// `[value]`: like `[bytes]`, with -1 null, -2 not set, below -2 an error.
    public mutating func readValue() throws(ProtocolError) -> ProtocolValue {
        let length = try readInt()
        switch length {
        case -1: return .null
        case -2: return .notSet
        case ..<(-2): throw .invalidValueLength(length)
        default: return .bytes(try readRawBytes(count: Int(length)))
        }
    }

    /// `[short bytes]`: `[short]` length then bytes.
    public mutating func readShortBytes() throws(ProtocolError) -> [UInt8] {
        try readRawBytes(count: Int(try readShort()))
    }

    /// A `[short]` element count, refused if the remaining bytes could not hold that many
    /// elements of at least `minimumElementBytes` each.
    public mutating func readCount(minimumElementBytes: Int) throws(ProtocolError) -> Int {
        let count = Int(try readShort())
        try require(count * minimumElementBytes)
        return count
    }

    /// `[string list]`.
    public mutating func readStringList() throws(ProtocolError) -> [String] {
        let count = try readCount(minimumElementBytes: 2)
        var list: [String] = []
        list.reserveCapacity(count)
        for _ in 0..<count { list.append(try readString()) }
        return list
    }

    /// `[string map]`; a repeated key keeps its last value.
    public mutating func readStringMap() throws(ProtocolError) -> [String: String] {
        let count = try readCount(minimumElementBytes: 4)
        var map: [String: String] = [:]
        for _ in 0..<count {
            let key = try readString()
            map[key] = try readString()
        }
        return map
    }

    /// `[string multimap]`; a repeated key keeps its last list.
    public mutating func readStringMultimap() throws(ProtocolError) -> [String: [String]] {
        let count = try readCount(minimumElementBytes: 4)
        var map: [String: [String]] = [:]
        for _ in 0..<count {
            let key = try readString()
            map[key] = try readStringList()
        }
        return map
    }

    /// `[bytes map]`; a repeated key keeps its last value.
    public mutating func readBytesMap() throws(ProtocolError) -> [String: [UInt8]?] {
        let count = try readCount(minimumElementBytes: 6)
        var map: [String: [UInt8]?] = [:]
        for _ in 0..<count {
            let key = try readString()
            map[key] = .some(try readBytes())
        }
        return map
    }

    /// `[inet]`: a size byte (4 or 16), the address, then an `[int]` port.
    public mutating func readInet() throws(ProtocolError) -> ProtocolInet {
        let size = try readByte()
        guard size == 4 || size == 16 else { throw .invalidInetSize(size) }
        let address = try readRawBytes(count: Int(size))
        return ProtocolInet(addressBytes: address, port: try readInt())
    }

    /// `[consistency]`.
    public mutating func readConsistency() throws(ProtocolError) -> ProtocolConsistency {
        let code = try readShort()
        guard let level = ProtocolConsistency(rawValue: code) else { throw .unknownConsistency(code) }
        return level
    }
}
