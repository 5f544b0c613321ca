/// Per-type maps from Cassandra's serialized values to byte strings whose unsigned
/// lexicographic order is the type's CQL order (`CQLDataType.compare`), and back.
///
/// Every body is self-delimiting (no body is a proper prefix of another), so bodies can be
/// concatenated and a descending component inverted byte by byte. Bodies:
/// - `boolean`: one byte 0 or 1. `tinyint` … `bigint`, `counter`, `timestamp`, `time`: the
///   big-endian bytes with the sign bit flipped. `date`: the bytes as they are (unsigned).
/// - `float`, `double`: NaN canonicalized (0x7FC00000 / 0x7FF8000000000000), then the
///   sign bit flipped for positives and every bit inverted for negatives.
/// - `uuid`: the version nibble as a byte, then for version 1 the reordered timestamp (8
///   bytes) and for others the high half, then the low half: 17 bytes.
/// - `timeuuid`: the reordered timestamp (8 bytes), then the low half with each byte's top
///   bit flipped (Cassandra compares those bytes signed): 16 bytes.
/// - `text`, `ascii`, `blob`, `inet`, `duration`: the bytes with 0x00 escaped as 0x00 0xFF,
///   ended by 0x00 0x00 (so a proper prefix sorts first, also when inverted).
/// - `varint`: in `OrderPreservingTransform+Numbers.swift`; `decimal` likewise.
/// - collections, tuples, UDTs: in `OrderPreservingTransform+Composite.swift`.
enum OrderPreservingTransform {
    static func appendScalar(_ value: [UInt8], as type: CQLDataType, to key: inout OrderedKeyWriter) throws(CQLValueError) {
        if let width = type.fixedWidthBytes, value.count != width {
            throw .invalidLength(type: type.description, expected: "\(width)", actual: value.count)
        }
        switch type {
        case .boolean: key.append(value[0] == 0 ? 0 : 1)
        case .tinyint, .smallint, .int, .bigint, .counter, .timestamp, .time:
            key.append(value[0] ^ 0x80)
            key.append(contentsOf: value.dropFirst())
        case .date: key.append(contentsOf: value)
        case .float, .double: key.append(contentsOf: floatKey(value))
        case .uuid: appendUUID(CQLUUID(bytes: value)!, to: &key)
        case .timeuuid:
            let uuid = CQLUUID(bytes: value)!
            guard uuid.version == 1 else {
                throw .invalidContent(type: "timeuuid", reason: "version \(uuid.version), expected 1")
            }
            appendTimeUUID(uuid, to: &key)
        case .text, .ascii, .blob, .inet, .duration: appendEscaped(value, to: &key)
        case .varint: try appendVarint(value, to: &key)
        case .decimal: try appendDecimal(value, to: &key)
        default: throw .typeMismatch(expected: "scalar", actual: type.description)
        }
    }

    static func readScalar(as type: CQLDataType, from key: inout OrderedKeyReader) throws(CQLValueError) -> [UInt8] {
        switch type {
        case .boolean: return [try key.readByte()]
        case .tinyint, .smallint, .int, .bigint, .counter, .timestamp, .time:
            var value = try key.readBytes(type.fixedWidthBytes!)
            value[0] ^= 0x80
            return value
        case .date: return try key.readBytes(4)
        case .float, .double: return floatValue(try key.readBytes(type.fixedWidthBytes!))
        case .uuid: return try readUUID(from: &key)
        case .timeuuid: return try readTimeUUID(from: &key)
        case .text, .ascii, .blob, .inet, .duration: return try readEscaped(from: &key)
        case .varint: return try readVarint(from: &key)
        case .decimal: return try readDecimal(from: &key)
        default: throw .typeMismatch(expected: "scalar", actual: type.description)
        }
    }

    private static func floatKey(_ value: [UInt8]) -> [UInt8] {
        var bits = value
        if value.count == 4, Float(bitPattern: BigEndian.integer(value, at: 0, width: 4)).isNaN {
            bits = BigEndian.bytes(Float.nan.bitPattern)
        } else if value.count == 8, Double(bitPattern: BigEndian.integer(value, at: 0, width: 8)).isNaN {
            bits = BigEndian.bytes(Double.nan.bitPattern)
        }
        if bits[0] & 0x80 != 0 { return bits.map { ~$0 } }
        bits[0] ^= 0x80
        return bits
    }

    private static func floatValue(_ key: [UInt8]) -> [UInt8] {
        if key[0] & 0x80 == 0 { return key.map { ~$0 } }
        var bits = key
        bits[0] ^= 0x80
        return bits
    }

    private static func appendUUID(_ uuid: CQLUUID, to key: inout OrderedKeyWriter) {
        key.append(UInt8(uuid.version))
        key.append(contentsOf: BigEndian.bytes(uuid.version == 1 ? uuid.reorderedTimestamp : uuid.high))
        key.append(contentsOf: BigEndian.bytes(uuid.low))
    }

    private static func readUUID(from key: inout OrderedKeyReader) throws(CQLValueError) -> [UInt8] {
        let version = try key.readByte()
        let first = BigEndian.uint64(try key.readBytes(8), at: 0)
        let low = BigEndian.uint64(try key.readBytes(8), at: 0)
        let high = version == 1 ? CQLUUID.high(fromReorderedTimestamp: first) : first
        return CQLUUID(high: high, low: low).bytes
    }

    private static func appendTimeUUID(_ uuid: CQLUUID, to key: inout OrderedKeyWriter) {
        key.append(contentsOf: BigEndian.bytes(uuid.reorderedTimestamp))
        key.append(contentsOf: BigEndian.bytes(uuid.low ^ 0x8080_8080_8080_8080))
    }

    private static func readTimeUUID(from key: inout OrderedKeyReader) throws(CQLValueError) -> [UInt8] {
        let reordered = BigEndian.uint64(try key.readBytes(8), at: 0)
        let low = BigEndian.uint64(try key.readBytes(8), at: 0) ^ 0x8080_8080_8080_8080
        return CQLUUID(high: CQLUUID.high(fromReorderedTimestamp: reordered), low: low).bytes
    }

    static func appendEscaped(_ value: [UInt8], to key: inout OrderedKeyWriter) {
        for byte in value {
            key.append(byte)
            if byte == 0 { key.append(0xFF) }
        }
        key.append(0)
        key.append(0)
    }

    static func readEscaped(from key: inout OrderedKeyReader) throws(CQLValueError) -> [UInt8] {
        var value: [UInt8] = []
        while true {
            let byte = try key.readByte()
            if byte != 0 { value.append(byte); continue }
            switch try key.readByte() {
            case 0x00: return value
            case 0xFF: value.append(0)
            default: throw .invalidContent(type: "clustering key", reason: "bad escape at \(key.offset - 1)")
            }
        }
    }
}
