extension CQLValue {
    /// Cassandra's binary serialization of this value as `type` (the content of a protocol
    /// `[bytes]`, without its length). Throws `typeMismatch` when the value is not of `type`
    /// and `invalidContent` for values Cassandra rejects (non-ASCII ascii, bad inet length,
    /// out-of-range time, non-v1 timeuuid, mixed-sign duration, null in a collection).
    public func serialize(as type: CQLDataType) throws(CQLValueError) -> [UInt8] {
        var bytes: [UInt8] = []
        try append(as: type, to: &bytes)
        return bytes
    }

    func append(as type: CQLDataType, to bytes: inout [UInt8]) throws(CQLValueError) {
        switch (self, type.unfrozen) {
        case (.list(let elements), .list(let element)), (.set(let elements), .set(let element)):
            try CQLValue.appendElements(elements, as: element, to: &bytes)
        case (.map(let entries), .map(let keyType, let valueType)):
            try CQLValue.appendEntries(entries, keyType: keyType, valueType: valueType, to: &bytes)
        case (.tuple(let fields), .tuple(let types)):
            guard fields.count == types.count else { throw mismatch(type) }
            try CQLValue.appendFields(fields, as: types, to: &bytes)
        case (.udt(let fields), .udt(_, _, let declared)):
            guard fields.count <= declared.count else { throw mismatch(type) }
            try CQLValue.appendFields(fields, as: declared.prefix(fields.count).map(\.type), to: &bytes)
        default:
            try appendScalar(as: type.unfrozen, to: &bytes)
        }
    }

    private func appendScalar(as type: CQLDataType, to bytes: inout [UInt8]) throws(CQLValueError) {
        switch (self, type) {
        case (.ascii(let text), .ascii):
            guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
                throw .invalidContent(type: "ascii", reason: "non-ASCII character")
            }
            bytes.append(contentsOf: text.utf8)
        case (.text(let text), .text): bytes.append(contentsOf: text.utf8)
        case (.blob(let blob), .blob): bytes.append(contentsOf: blob)
        case (.boolean(let flag), .boolean): bytes.append(flag ? 1 : 0)
        case (.tinyint(let number), .tinyint): bytes.append(contentsOf: BigEndian.bytes(number))
        case (.smallint(let number), .smallint): bytes.append(contentsOf: BigEndian.bytes(number))
        case (.int(let number), .int): bytes.append(contentsOf: BigEndian.bytes(number))
        case (.bigint(let number), .bigint), (.counter(let number), .counter),
            (.timestamp(let number), .timestamp):
            bytes.append(contentsOf: BigEndian.bytes(number))
        case (.float(let number), .float): bytes.append(contentsOf: BigEndian.bytes(number.bitPattern))
        case (.double(let number), .double): bytes.append(contentsOf: BigEndian.bytes(number.bitPattern))
        case (.date(let days), .date):
            bytes.append(contentsOf: BigEndian.bytes(UInt32(bitPattern: days) ^ 0x8000_0000))
        default:
            try appendRichScalar(as: type, to: &bytes)
        }
    }

    private func appendRichScalar(as type: CQLDataType, to bytes: inout [UInt8]) throws(CQLValueError) {
        switch (self, type) {
        case (.time(let nanoseconds), .time):
            guard (0..<CQLValue.nanosecondsPerDay).contains(nanoseconds) else {
                throw .invalidContent(type: "time", reason: "\(nanoseconds) ns is outside one day")
            }
            bytes.append(contentsOf: BigEndian.bytes(nanoseconds))
        case (.uuid(let uuid), .uuid): bytes.append(contentsOf: uuid.bytes)
        case (.timeuuid(let uuid), .timeuuid):
            guard uuid.version == 1 else {
                throw .invalidContent(type: "timeuuid", reason: "version \(uuid.version), expected 1")
            }
            bytes.append(contentsOf: uuid.bytes)
        case (.inet(let address), .inet):
            guard address.count == 4 || address.count == 16 else {
                throw .invalidLength(type: "inet", expected: "4 or 16", actual: address.count)
            }
            bytes.append(contentsOf: address)
        case (.varint(let number), .varint): bytes.append(contentsOf: number.bytes)
        case (.decimal(let number), .decimal):
            bytes.append(contentsOf: BigEndian.bytes(number.scale))
            bytes.append(contentsOf: number.unscaled.bytes)
        case (.duration(let duration), .duration):
            guard duration.hasConsistentSign else {
                throw .invalidContent(type: "duration", reason: "parts of different signs")
            }
            CassandraVInt.appendSigned(Int64(duration.months), to: &bytes)
            CassandraVInt.appendSigned(Int64(duration.days), to: &bytes)
            CassandraVInt.appendSigned(duration.nanoseconds, to: &bytes)
        default:
            throw mismatch(type)
        }
    }

    private func mismatch(_ type: CQLDataType) -> CQLValueError {
        .typeMismatch(expected: type.description, actual: caseName)
    }

    /// The name of this value's case, for error messages.
    var caseName: String { String(describing: self).prefix(while: { $0 != "(" }).description }

    private static func appendElements(
        _ elements: [CQLValue], as type: CQLDataType, to bytes: inout [UInt8]
    ) throws(CQLValueError) {
        bytes.append(contentsOf: BigEndian.bytes(Int32(clamping: elements.count)))
        for element in elements { try appendLengthPrefixed(element, as: type, to: &bytes) }
    }

    private static func appendEntries(
        _ entries: [CQLMapEntry], keyType: CQLDataType, valueType: CQLDataType, to bytes: inout [UInt8]
    ) throws(CQLValueError) {
        bytes.append(contentsOf: BigEndian.bytes(Int32(clamping: entries.count)))
        for entry in entries {
            try appendLengthPrefixed(entry.key, as: keyType, to: &bytes)
            try appendLengthPrefixed(entry.value, as: valueType, to: &bytes)
        }
    }

    private static func appendFields(
        _ fields: [CQLValue?], as types: [CQLDataType], to bytes: inout [UInt8]
    ) throws(CQLValueError) {
        for (field, type) in zip(fields, types) {
            if let field {
                try appendLengthPrefixed(field, as: type, to: &bytes)
            } else {
                bytes.append(contentsOf: BigEndian.bytes(Int32(-1)))
            }
        }
    }

    /// `[int] length` then the serialized value.
    private static func appendLengthPrefixed(
        _ value: CQLValue, as type: CQLDataType, to bytes: inout [UInt8]
    ) throws(CQLValueError) {
        let lengthOffset = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
        try value.append(as: type, to: &bytes)
        let length = BigEndian.bytes(Int32(clamping: bytes.count - lengthOffset - 4))
        bytes.replaceSubrange(lengthOffset..<(lengthOffset + 4), with: length)
    }
}
