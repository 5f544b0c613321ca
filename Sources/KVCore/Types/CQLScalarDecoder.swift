/// Decodes and validates the serialized forms of the scalar CQL types.
enum CQLScalarDecoder {
    static func decode(_ bytes: [UInt8], as type: CQLDataType) throws(CQLValueError) -> CQLValue {
        if let width = type.fixedWidthBytes, bytes.count != width {
            throw .invalidLength(type: type.description, expected: "\(width)", actual: bytes.count)
        }
        switch type {
        case .boolean: return .boolean(bytes[0] != 0)
        case .tinyint: return .tinyint(Int8(bitPattern: bytes[0]))
        case .smallint: return .smallint(integer(bytes))
        case .int: return .int(integer(bytes))
        case .bigint: return .bigint(integer(bytes))
        case .counter: return .counter(integer(bytes))
        case .timestamp: return .timestamp(integer(bytes))
        case .float: return .float(Float(bitPattern: integer(bytes)))
        case .double: return .double(Double(bitPattern: integer(bytes)))
        case .date: return .date(Int32(bitPattern: integer(bytes) ^ UInt32(0x8000_0000)))
        case .time: return try time(bytes)
        case .uuid: return .uuid(CQLUUID(bytes: bytes)!)
        case .timeuuid: return try timeuuid(bytes)
        default: return try decodeVariable(bytes, as: type)
        }
    }

    private static func decodeVariable(_ bytes: [UInt8], as type: CQLDataType) throws(CQLValueError) -> CQLValue {
        switch type {
        case .blob: return .blob(bytes)
        case .text:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw .invalidContent(type: "text", reason: "invalid UTF-8")
            }
            return .text(text)
        case .ascii:
            guard bytes.allSatisfy({ $0 < 0x80 }) else {
                throw .invalidContent(type: "ascii", reason: "byte above 0x7F")
            }
            return .ascii(String(decoding: bytes, as: UTF8.self))
        case .inet:
            guard bytes.count == 4 || bytes.count == 16 else {
                throw .invalidLength(type: "inet", expected: "4 or 16", actual: bytes.count)
            }
            return .inet(bytes)
        case .varint: return .varint(try varint(bytes, typeName: "varint"))
        case .decimal: return try decimal(bytes)
        case .duration: return try duration(bytes)
        default: throw .typeMismatch(expected: type.description, actual: "scalar")
        }
    }

    private static func integer<T: FixedWidthInteger>(_ bytes: [UInt8]) -> T {
        BigEndian.integer(bytes, at: 0, width: bytes.count)
    }

    private static func time(_ bytes: [UInt8]) throws(CQLValueError) -> CQLValue {
        let nanoseconds: Int64 = integer(bytes)
        guard (0..<CQLValue.nanosecondsPerDay).contains(nanoseconds) else {
            throw .invalidContent(type: "time", reason: "\(nanoseconds) ns is outside one day")
        }
        return .time(nanoseconds)
    }

    private static func timeuuid(_ bytes: [UInt8]) throws(CQLValueError) -> CQLValue {
        let uuid = CQLUUID(bytes: bytes)!
        guard uuid.version == 1 else {
            throw .invalidContent(type: "timeuuid", reason: "version \(uuid.version), expected 1")
        }
        return .timeuuid(uuid)
    }

    static func varint(_ bytes: [UInt8], typeName: String) throws(CQLValueError) -> CQLVarint {
        guard !bytes.isEmpty else { throw .invalidLength(type: typeName, expected: "at least 1", actual: 0) }
        guard bytes.count <= CQLTypeLimits.maxVarintBytes else {
            throw .limitExceeded(type: typeName, reason: "\(bytes.count) bytes")
        }
        return CQLVarint(twosComplement: bytes)
    }

    private static func decimal(_ bytes: [UInt8]) throws(CQLValueError) -> CQLValue {
        guard bytes.count >= 5 else { throw .invalidLength(type: "decimal", expected: "at least 5", actual: bytes.count) }
        let scale = Int32(bitPattern: BigEndian.integer(bytes, at: 0, width: 4))
        let unscaled = try varint(Array(bytes[4...]), typeName: "decimal")
        return .decimal(CQLDecimal(scale: scale, unscaled: unscaled))
    }

    private static func duration(_ bytes: [UInt8]) throws(CQLValueError) -> CQLValue {
        var offset = 0
        guard let months = CassandraVInt.readSigned(bytes, offset: &offset),
            let days = CassandraVInt.readSigned(bytes, offset: &offset),
            let nanoseconds = CassandraVInt.readSigned(bytes, offset: &offset)
        else { throw .truncated(type: "duration") }
        guard offset == bytes.count else { throw .trailingBytes(type: "duration", count: bytes.count - offset) }
        guard let months32 = Int32(exactly: months), let days32 = Int32(exactly: days) else {
            throw .invalidContent(type: "duration", reason: "months or days outside 32 bits")
        }
        let value = CQLDuration(months: months32, days: days32, nanoseconds: nanoseconds)
        guard value.hasConsistentSign else {
            throw .invalidContent(type: "duration", reason: "parts of different signs")
        }
        return .duration(value)
    }
}
