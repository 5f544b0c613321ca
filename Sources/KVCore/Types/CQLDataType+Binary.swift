extension CQLDataType {
    /// Marks a frozen type in the binary form (protocol option ids stop at 0x0031).
    private static let frozenTag: UInt16 = 0x00FF

    /// Appends the type in a compact binary form for internode messages: its protocol option
    /// id as a varint, then its parameters (element types; a UDT's keyspace, name and
    /// fields; a tuple's field count and types). `frozen` is a tag of its own, so the type
    /// decodes exactly as it was.
    public func encode(into writer: inout ByteWriter) {
        switch self {
        case .frozen(let inner):
            writer.writeVarint(UInt64(Self.frozenTag))
            inner.encode(into: &writer)
            return
        default:
            writer.writeVarint(UInt64(protocolOptionID))
        }
        switch self {
        case .list(let element), .set(let element):
            element.encode(into: &writer)
        case .map(let key, let value):
            key.encode(into: &writer)
            value.encode(into: &writer)
        case .tuple(let elements):
            writer.writeVarint(UInt64(elements.count))
            for element in elements { element.encode(into: &writer) }
        case let .udt(keyspace, name, fields):
            writer.writeLengthPrefixed(Array(keyspace.utf8))
            writer.writeLengthPrefixed(Array(name.utf8))
            writer.writeVarint(UInt64(fields.count))
            for field in fields {
                writer.writeLengthPrefixed(Array(field.name.utf8))
                field.type.encode(into: &writer)
            }
        default:
            break
        }
    }

    /// Reads what `encode` wrote; nesting deeper than `CQLTypeLimits.maxNestingDepth` is
    /// refused, so a hostile message cannot recurse without bound.
    public static func decode(from reader: inout ByteReader, depth: Int = 0) throws(DecodeError) -> CQLDataType {
        guard depth <= CQLTypeLimits.maxNestingDepth else {
            throw .malformed(offset: reader.offset, reason: "type nested deeper than \(CQLTypeLimits.maxNestingDepth)")
        }
        let start = reader.offset
        let id = try reader.readVarint()
        guard id <= UInt64(UInt16.max) else { throw .malformed(offset: start, reason: "type id \(id)") }
        if let scalar = CQLDataType(scalarProtocolOptionID: UInt16(id)) { return scalar }
        switch UInt16(id) {
        case frozenTag: return .frozen(try decode(from: &reader, depth: depth + 1))
        case 0x0020: return .list(try decode(from: &reader, depth: depth + 1))
        case 0x0022: return .set(try decode(from: &reader, depth: depth + 1))
        case 0x0021: return .map(try decode(from: &reader, depth: depth + 1), try decode(from: &reader, depth: depth + 1))
        case 0x0031:
            var elements: [CQLDataType] = []
            for _ in 0..<(try reader.readLength(limit: min(reader.remaining, CQLTypeLimits.maxTupleFields))) {
                elements.append(try decode(from: &reader, depth: depth + 1))
            }
            return .tuple(elements)
        case 0x0030:
            let keyspace = try readText(&reader), name = try readText(&reader)
            var fields: [CQLUDTField] = []
            for _ in 0..<(try reader.readLength(limit: min(reader.remaining, CQLTypeLimits.maxTupleFields))) {
                fields.append(CQLUDTField(name: try readText(&reader), type: try decode(from: &reader, depth: depth + 1)))
            }
            return .udt(keyspace: keyspace, name: name, fields: fields)
        default:
            throw .malformed(offset: start, reason: "unknown type id \(id)")
        }
    }

    private static func readText(_ reader: inout ByteReader) throws(DecodeError) -> String {
        let start = reader.offset
        guard let text = String(validating: try reader.readLengthPrefixed(), as: UTF8.self) else {
            throw .malformed(offset: start, reason: "name is not UTF-8")
        }
        return text
    }
}
