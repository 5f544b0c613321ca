extension CQLValue {
    /// Decodes Cassandra's binary serialization of a non-null `type` value.
    ///
    /// Validates everything a hostile client could get wrong: exact lengths of fixed-width
    /// types, UTF-8 of text, 7-bit ascii, the version of a timeuuid, the range of time, inet
    /// lengths, duration vints and signs, collection counts and element lengths, trailing
    /// bytes, and `CQLTypeLimits`. Never traps.
    public static func deserialize(_ bytes: [UInt8], as type: CQLDataType) throws(CQLValueError) -> CQLValue {
        guard type.nestingDepth <= CQLTypeLimits.maxNestingDepth else {
            throw .limitExceeded(type: type.description, reason: "nesting deeper than \(CQLTypeLimits.maxNestingDepth)")
        }
        return try decode(bytes, as: type.unfrozen)
    }

    private static func decode(_ bytes: [UInt8], as type: CQLDataType) throws(CQLValueError) -> CQLValue {
        switch type {
        case .list(let element): return .list(try decodeElements(bytes, as: element, typeName: "list"))
        case .set(let element): return .set(try decodeElements(bytes, as: element, typeName: "set"))
        case .map(let keyType, let valueType): return .map(try decodeEntries(bytes, keyType, valueType))
        case .tuple(let types): return .tuple(try decodeFields(bytes, as: types, allowsFewer: false))
        case .udt(_, _, let fields):
            return .udt(try decodeFields(bytes, as: fields.map(\.type), allowsFewer: true))
        case .frozen(let inner): return try decode(bytes, as: inner.unfrozen)
        default: return try CQLScalarDecoder.decode(bytes, as: type)
        }
    }

    private static func decodeElements(
        _ bytes: [UInt8], as type: CQLDataType, typeName: String
    ) throws(CQLValueError) -> [CQLValue] {
        var reader = CQLBytesReader(bytes: bytes, typeName: typeName)
        let count = try reader.readCount()
        var elements: [CQLValue] = []
        elements.reserveCapacity(min(count, bytes.count / 4))
        for _ in 0..<count { elements.append(try decode(try reader.readNonNullElement(), as: type.unfrozen)) }
        try reader.expectEnd()
        return elements
    }

    private static func decodeEntries(
        _ bytes: [UInt8], _ keyType: CQLDataType, _ valueType: CQLDataType
    ) throws(CQLValueError) -> [CQLMapEntry] {
        var reader = CQLBytesReader(bytes: bytes, typeName: "map")
        let count = try reader.readCount()
        var entries: [CQLMapEntry] = []
        entries.reserveCapacity(min(count, bytes.count / 8))
        for _ in 0..<count {
            let key = try decode(try reader.readNonNullElement(), as: keyType.unfrozen)
            let value = try decode(try reader.readNonNullElement(), as: valueType.unfrozen)
            entries.append(CQLMapEntry(key: key, value: value))
        }
        try reader.expectEnd()
        return entries
    }

    /// Tuple and UDT fields: `[int]`-length-prefixed, -1 for null. A UDT value may stop
    /// before its last declared fields (`allowsFewer`).
    private static func decodeFields(
        _ bytes: [UInt8], as types: [CQLDataType], allowsFewer: Bool
    ) throws(CQLValueError) -> [CQLValue?] {
        var reader = CQLBytesReader(bytes: bytes, typeName: allowsFewer ? "udt" : "tuple")
        var fields: [CQLValue?] = []
        for type in types {
            if allowsFewer && reader.isAtEnd { break }
            guard let field = try reader.readElement() else { fields.append(nil); continue }
            fields.append(try decode(field, as: type.unfrozen))
        }
        try reader.expectEnd()
        return fields
    }
}
