/// Order-preserving, decodable encodings of clusterings for the storage engine, which
/// compares keys as unsigned bytes.
///
/// A clustering (or a prefix of one) is the concatenation of its components; each is
///
///     marker (0x01 null, 0x02 empty value, 0x03 value), then for 0x03 the type's body
///     (see `OrderPreservingTransform`), every byte inverted when the column is descending.
///
/// Contracts:
/// - Order: for clusterings `a`, `b` of one table, `encode(a) < encode(b)` bytewise exactly
///   when `a` sorts before `b` in CQL clustering order (component by component with
///   `CQLDataType.compare`, reversed for descending columns; null before empty before values).
/// - Prefixes: the encoding of a prefix is a byte prefix of the encoding of every clustering
///   that starts with it, so it sorts first; `prefixEndBound(_:)` sorts after all of them.
/// - Equal values under `compare` encode identically (decimal 1.5 and 1.50, every NaN):
///   `decode` returns a canonical serialization for those.
public enum ClusteringEncoding {
    static let nullMarker: UInt8 = 0x01
    static let emptyMarker: UInt8 = 0x02
    static let valueMarker: UInt8 = 0x03

    /// Encodes `values` (serialized CQL values; `nil` for null) of the first `values.count`
    /// clustering columns. Requires `values.count <= types.count` and `orders.count ==
    /// types.count`; throws `CQLValueError` for values not valid for their type.
    public static func encode(
        values: [[UInt8]?], types: [CQLDataType], orders: [ClusteringOrder]
    ) throws(CQLValueError) -> [UInt8] {
        precondition(values.count <= types.count && orders.count == types.count, "clustering arity")
        var key = OrderedKeyWriter(mask: 0)
        for (index, value) in values.enumerated() {
            key.mask = orders[index] == .descending ? 0xFF : 0x00
            try appendComponent(value, as: types[index], depth: 0, to: &key)
        }
        return key.bytes
    }

    /// The component values in `key` (a full clustering or a prefix), in the serialized form
    /// `encode` takes. Throws on bytes `encode` cannot have produced.
    public static func decode(
        _ key: [UInt8], types: [CQLDataType], orders: [ClusteringOrder]
    ) throws(CQLValueError) -> [[UInt8]?] {
        precondition(orders.count == types.count, "clustering arity")
        var reader = OrderedKeyReader(bytes: key, offset: 0, mask: 0)
        var values: [[UInt8]?] = []
        while !reader.isAtEnd {
            guard values.count < types.count else { throw .trailingBytes(type: "clustering key", count: key.count - reader.offset) }
            reader.mask = orders[values.count] == .descending ? 0xFF : 0x00
            values.append(try readComponent(as: types[values.count], depth: 0, from: &reader))
        }
        return values
    }

    /// A key that sorts after every clustering starting with the encoded `prefix` and before
    /// every clustering that does not and sorts after them: `prefix + [0xFF]` (no component
    /// starts with 0xFF: markers are 0x01-0x03, inverted 0xFC-0xFE).
    public static func prefixEndBound(_ prefix: [UInt8]) -> [UInt8] { prefix + [0xFF] }

    static func appendComponent(
        _ value: [UInt8]?, as type: CQLDataType, depth: Int, to key: inout OrderedKeyWriter
    ) throws(CQLValueError) {
        guard depth <= CQLTypeLimits.maxNestingDepth else {
            throw .limitExceeded(type: type.description, reason: "nesting deeper than \(CQLTypeLimits.maxNestingDepth)")
        }
        guard let value else { key.append(nullMarker); return }
        guard !value.isEmpty else { key.append(emptyMarker); return }
        key.append(valueMarker)
        let type = type.unfrozen
        switch type {
        case .list, .set, .map, .tuple, .udt:
            try OrderPreservingTransform.appendComposite(value, as: type, depth: depth, to: &key)
        default:
            try OrderPreservingTransform.appendScalar(value, as: type, to: &key)
        }
    }

    static func readComponent(
        as type: CQLDataType, depth: Int, from key: inout OrderedKeyReader
    ) throws(CQLValueError) -> [UInt8]? {
        guard depth <= CQLTypeLimits.maxNestingDepth else {
            throw .limitExceeded(type: type.description, reason: "nesting too deep")
        }
        switch try key.readByte() {
        case nullMarker: return nil
        case emptyMarker: return []
        case valueMarker: break
        default: throw .invalidContent(type: "clustering key", reason: "bad marker at \(key.offset - 1)")
        }
        let type = type.unfrozen
        switch type {
        case .list, .set, .map, .tuple, .udt:
            return try OrderPreservingTransform.readComposite(as: type, depth: depth, from: &key)
        default:
            return try OrderPreservingTransform.readScalar(as: type, from: &key)
        }
    }
}
