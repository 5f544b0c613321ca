import NIOCore

/// Writers for the body notation. Counts that must fit a `[short]` (list and map sizes, short
/// bytes) are the caller's precondition and trap when broken: the server only writes values it
/// built itself. `[string]` is the exception: error messages may quote user input, so an
/// over-long string is cut at a character boundary instead.
extension ByteBuffer {
    /// `[short]`.
    public mutating func writeProtocolShort(_ value: UInt16) { writeInteger(value) }
    /// `[int]`.
    public mutating func writeProtocolInt(_ value: Int32) { writeInteger(value) }
    /// `[long]`.
    public mutating func writeProtocolLong(_ value: Int64) { writeInteger(value) }

    /// `[string]`; text over 65535 UTF-8 bytes is truncated to the longest prefix of whole
    /// characters that fits.
    public mutating func writeProtocolString(_ text: String) {
        guard text.utf8.count > Int(UInt16.max) else {
            writeInteger(UInt16(text.utf8.count))
            writeString(text)
            return
        }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: Int(UInt16.max))
        // `end` is inside the text; step back off UTF-8 continuation bytes (0b10xxxxxx).
        while text.utf8[end] & 0xC0 == 0x80 { end = text.utf8.index(before: end) }
        let prefix = text.utf8[..<end]
        writeInteger(UInt16(prefix.count))
        writeBytes(prefix)
    }

    /// `[long string]`.
    public mutating func writeProtocolLongString(_ text: String) {
        writeInteger(Int32(text.utf8.count))
        writeString(text)
    }

    /// `[uuid]`.
    public mutating func writeProtocolUUID(_ uuid: ProtocolUUID) {
        writeInteger(uuid.high)
        writeInteger(uuid.low)
    }

    /// `[bytes]`; nil is written as length -1.
    public mutating func writeProtocolBytes(_ bytes: [UInt8]?) {
        guard let bytes else { writeInteger(Int32(-1)); return }
        bytes.withUnsafeBytes { writeLengthPrefixed($0, length: Int32($0.count)) }
    }

    /// Appends `length` (big-endian) and `bytes` in one pass: one capacity and uniqueness
    /// check instead of one per write (separate writes were a visible share of encoding a
    /// request or a row, perf). Every value of a request and a response is written so.
    @inline(__always)
    mutating func writeLengthPrefixed<Length: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, length: Length) {
        let prefixBytes = MemoryLayout<Length>.size
        writeWithUnsafeMutableBytes(minimumWritableBytes: prefixBytes + bytes.count) { target in
            target.storeBytes(of: length.bigEndian, as: Length.self)
            if let source = bytes.baseAddress, bytes.count > 0 {
                (target.baseAddress! + prefixBytes).copyMemory(from: source, byteCount: bytes.count)
            }
            return prefixBytes + bytes.count
        }
    }

    /// `[value]`: null is -1, not set is -2.
    public mutating func writeProtocolValue(_ value: ProtocolValue) {
        switch value {
        case .null: writeInteger(Int32(-1))
        case .notSet: writeInteger(Int32(-2))
        case .bytes(let bytes): writeProtocolBytes(bytes)
        }
    }

    /// `[short bytes]`. Requires at most 65535 bytes.
    public mutating func writeProtocolShortBytes(_ bytes: [UInt8]) {
        precondition(bytes.count <= Int(UInt16.max), "[short bytes] longer than 65535 bytes")
        bytes.withUnsafeBytes { writeLengthPrefixed($0, length: UInt16($0.count)) }
    }

    /// `[string list]`.
    public mutating func writeProtocolStringList(_ list: [String]) {
        writeInteger(UInt16(list.count))
        for item in list { writeProtocolString(item) }
    }

    /// `[string map]`, keys in sorted order so output is deterministic.
    public mutating func writeProtocolStringMap(_ map: [String: String]) {
        writeInteger(UInt16(map.count))
        for key in map.keys.sorted() {
            writeProtocolString(key)
            writeProtocolString(map[key]!)
        }
    }

    /// `[string multimap]`, keys sorted.
    public mutating func writeProtocolStringMultimap(_ map: [String: [String]]) {
        writeInteger(UInt16(map.count))
        for key in map.keys.sorted() {
            writeProtocolString(key)
            writeProtocolStringList(map[key]!)
        }
    }

    /// `[bytes map]`, keys sorted.
    public mutating func writeProtocolBytesMap(_ map: [String: [UInt8]?]) {
        writeInteger(UInt16(map.count))
        for key in map.keys.sorted() {
            writeProtocolString(key)
            writeProtocolBytes(map[key]!)
        }
    }

    /// `[inet]`.
    public mutating func writeProtocolInet(_ inet: ProtocolInet) {
        writeInteger(UInt8(inet.addressBytes.count))
        writeBytes(inet.addressBytes)
        writeInteger(inet.port)
    }

    /// `[consistency]`.
    public mutating func writeProtocolConsistency(_ level: ProtocolConsistency) {
        writeInteger(level.rawValue)
    }
}
