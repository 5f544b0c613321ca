/// Order-preserving bodies of frozen collections, tuples and UDTs.
///
///     list, set: (0x02 element)* 0x01           element: component encoding (marker + body)
///     map:       (0x02 key value)* 0x01
///     tuple/UDT: (0x02 field)* 0x01             field: component encoding, null allowed;
///                                               trailing null or empty fields are
///                                               dropped (Cassandra ignores them) and
///                                               decode as null
///
/// The end byte 0x01 is below the continuation byte 0x02, so a sequence that is a proper
/// prefix of another sorts first, as Cassandra compares collections and tuples.
extension OrderPreservingTransform {
    static let continuationByte: UInt8 = 0x02
    static let endByte: UInt8 = 0x01

    static func appendComposite(
        _ value: [UInt8], as type: CQLDataType, depth: Int, to key: inout OrderedKeyWriter
    ) throws(CQLValueError) {
        let malformed = CQLValueError.invalidContent(type: type.description, reason: "malformed value")
        let entryTypes = collectionEntryTypes(type)
        let parts: [[UInt8]?]?
        if let entryTypes {
            parts = CQLCollectionOrder.elements(value, perEntry: entryTypes.count)
        } else {
            parts = CQLCollectionOrder.fields(value, limit: fieldTypes(type).count)
        }
        guard let parts else { throw malformed }
        for (index, part) in parts.enumerated() {
            let partType: CQLDataType
            if let entryTypes {
                if index % entryTypes.count == 0 { key.append(continuationByte) }
                partType = entryTypes[index % entryTypes.count]
            } else {
                key.append(continuationByte)
                partType = fieldTypes(type)[index]
            }
            try ClusteringEncoding.appendComponent(part, as: partType, depth: depth + 1, to: &key)
        }
        key.append(endByte)
    }

    static func readComposite(
        as type: CQLDataType, depth: Int, from key: inout OrderedKeyReader
    ) throws(CQLValueError) -> [UInt8] {
        let entryTypes = collectionEntryTypes(type)
        let types = entryTypes ?? fieldTypes(type)
        var parts: [[UInt8]?] = []
        while try readsContinuation(from: &key) {
            guard entryTypes != nil || parts.count < types.count,
                parts.count / types.count < CQLTypeLimits.maxCollectionElements
            else { throw .limitExceeded(type: type.description, reason: "too many elements in key") }
            for index in 0..<(entryTypes == nil ? 1 : types.count) {
                let partType = entryTypes == nil ? types[parts.count] : types[index]
                parts.append(try ClusteringEncoding.readComponent(as: partType, depth: depth + 1, from: &key))
            }
        }
        if entryTypes == nil {
            // Trailing null or empty fields were dropped by `appendComposite`; restore as nulls.
            parts.append(contentsOf: [[UInt8]?](repeating: nil, count: types.count - parts.count))
        }
        return try serializeParts(parts, entries: entryTypes.map { parts.count / $0.count })
    }

    private static func readsContinuation(from key: inout OrderedKeyReader) throws(CQLValueError) -> Bool {
        switch try key.readByte() {
        case continuationByte: return true
        case endByte: return false
        default: throw .invalidContent(type: "clustering key", reason: "bad sequence byte at \(key.offset - 1)")
        }
    }

    /// Serialized collection (`[int]` count when `entries` is given) or tuple fields.
    private static func serializeParts(_ parts: [[UInt8]?], entries: Int?) throws(CQLValueError) -> [UInt8] {
        var bytes: [UInt8] = []
        if let entries { bytes.append(contentsOf: BigEndian.bytes(Int32(entries))) }
        for part in parts {
            guard let part else {
                guard entries == nil else { throw .invalidContent(type: "clustering key", reason: "null element") }
                bytes.append(contentsOf: BigEndian.bytes(Int32(-1)))
                continue
            }
            bytes.append(contentsOf: BigEndian.bytes(Int32(part.count)))
            bytes.append(contentsOf: part)
        }
        return bytes
    }

    /// The types of one entry of a list or set (one) or map (two); `nil` for tuples and UDTs.
    private static func collectionEntryTypes(_ type: CQLDataType) -> [CQLDataType]? {
        switch type {
        case .list(let element), .set(let element): return [element]
        case .map(let keyType, let valueType): return [keyType, valueType]
        default: return nil
        }
    }

    private static func fieldTypes(_ type: CQLDataType) -> [CQLDataType] {
        switch type {
        case .tuple(let types): return types
        case .udt(_, _, let fields): return fields.map(\.type)
        default: return []
        }
    }
}
