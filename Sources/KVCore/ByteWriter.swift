/// Appends fixed-width little-endian integers, varints and byte strings to a growing buffer.
/// Used by every on-disk and wire encoder.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
    }

    @inlinable public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    @inlinable public mutating func writeUInt32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inlinable public mutating func writeUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// LEB128: 7 bits a byte, least significant first.
    @inlinable public mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// A signed varint, zigzag-encoded so that small negative numbers stay short.
    @inlinable public mutating func writeSignedVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A varint length followed by the bytes.
    @inlinable public mutating func writeLengthPrefixed<Bytes: Collection<UInt8>>(_ value: Bytes) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// As the generic form, for an array: copied from its buffer, because
    /// `append(contentsOf:)` takes its argument owned (a reference count per call).
    @inlinable public mutating func writeLengthPrefixed(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        writeBytes(value)
    }

    @inlinable public mutating func writeBytes<Bytes: Sequence<UInt8>>(_ value: Bytes) {
        bytes.append(contentsOf: value)
    }

    /// As the generic form, for an array (see `writeLengthPrefixed(_: [UInt8])`).
    @inlinable public mutating func writeBytes(_ value: [UInt8]) {
        value.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
    }

    /// Prefixes the bytes written since `start` with their length, as `writeLengthPrefixed`
    /// writes it: a value encoded in place and then moved up behind its length, so it needs
    /// no buffer of its own.
    @inlinable public mutating func insertLengthPrefix(at start: Int) {
        let length = count - start
        writeVarint(UInt64(length))  // after the bytes; moved in front of them below
        let lengthBytes = count - start - length  // at most 8: an array's length is below 2^56
        bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress! + start
            var prefix: UInt64 = 0
            withUnsafeMutableBytes(of: &prefix) { $0.baseAddress!.copyMemory(from: base + length, byteCount: lengthBytes) }
            (base + lengthBytes).copyMemory(from: base, byteCount: length)  // memmove: the ranges overlap
            withUnsafeBytes(of: prefix) { base.copyMemory(from: $0.baseAddress!, byteCount: lengthBytes) }
        }
    }

    /// Overwrites 4 bytes at `offset` (for lengths and checksums written after the payload).
    public mutating func patchUInt32(_ value: UInt32, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for index in 0..<4 { bytes[offset + index] = raw[index] }
        }
    }
}

/// Reads what `ByteWriter` wrote, from a borrowed buffer, with bounds checks that throw
/// instead of trapping: the bytes may come from a damaged file or a hostile peer.
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    /// The position of the next byte to read.
    public var offset: Int

    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset >= buffer.count }

    @inlinable public mutating func readUInt8() throws(DecodeError) -> UInt8 {
        guard offset < buffer.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return buffer[offset]
    }

    @inlinable public mutating func readUInt32() throws(DecodeError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(offset: offset) }
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable public mutating func readUInt64() throws(DecodeError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(offset: offset) }
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inlinable public mutating func readVarint() throws(DecodeError) -> UInt64 {
        // Fast paths (scans decode several varints per cell): one byte, and a value that
        // ends within the next 8 bytes, read with one load and no per-byte bounds check.
        if remaining >= 8 {
            let word = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            if word & 0x80 == 0 {
                offset += 1
                return word & 0x7F
            }
            let ends = ~word & 0x8080_8080_8080_8080
            if ends != 0 {
                let length = (ends.trailingZeroBitCount + 1) / 8
                var result: UInt64 = 0
                for index in 0..<length { result |= ((word >> UInt64(8 * index)) & 0x7F) << UInt64(7 * index) }
                offset += length
                return result
            }
        }
        return try readVarintByteByByte()
    }

    @inlinable mutating func readVarintByteByByte() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw .truncated(offset: offset) }
            let byte = buffer[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .malformed(offset: offset - 1, reason: "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .malformed(offset: offset - 1, reason: "varint longer than 10 bytes") }
        }
    }

    /// A varint that must fit in `0...limit` (a length or a count).
    @inlinable public mutating func readLength(limit: Int) throws(DecodeError) -> Int {
        let start = offset
        let value = try readVarint()
        guard value <= UInt64(limit) else {
            throw .malformed(offset: start, reason: "length \(value) exceeds \(limit)")
        }
        return Int(value)
    }

    @inlinable public mutating func readSignedVarint() throws(DecodeError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// `count` bytes as a view into the buffer (valid while the buffer is).
    @inlinable public mutating func readSlice(_ count: Int) throws(DecodeError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw .truncated(offset: offset) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }

    @inlinable public mutating func readBytes(_ count: Int) throws(DecodeError) -> [UInt8] {
        Array(try readSlice(count))
    }

    /// A varint length (at most the bytes left) followed by that many bytes.
    @inlinable public mutating func readLengthPrefixed() throws(DecodeError) -> [UInt8] {
        try readBytes(readLength(limit: remaining))
    }
}

/// Bytes that do not decode: the caller adds where they came from (file and offset).
public enum DecodeError: Error, Equatable, CustomStringConvertible {
    case truncated(offset: Int)
    case malformed(offset: Int, reason: String)

    public var offset: Int {
        switch self {
        case .truncated(let offset), .malformed(let offset, _): offset
        }
    }

    public var description: String {
        switch self {
        case .truncated(let offset): "truncated at offset \(offset)"
        case let .malformed(offset, reason): "malformed at offset \(offset): \(reason)"
        }
    }
}
