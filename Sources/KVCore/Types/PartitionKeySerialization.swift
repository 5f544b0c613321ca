/// Cassandra's partition key bytes: what Murmur3Partitioner hashes and what token-aware
/// drivers compute routing keys from.
///
/// One column: the value's serialized bytes. Several (`CompositeType`): for each component
/// a 2-byte big-endian length, the bytes, then an end-of-component byte 0x00.
public enum PartitionKeySerialization {
    /// The most bytes one component of a composite key may have (its length is 16 bits).
    public static let maxComponentBytes = 65_535

    /// The partition key bytes of `components` (serialized values, at least one). Throws
    /// `limitExceeded` when a component of a composite key is longer than 65,535 bytes.
    public static func serialize(_ components: [[UInt8]]) throws(CQLValueError) -> [UInt8] {
        precondition(!components.isEmpty, "a partition key has at least one column")
        if components.count == 1 { return components[0] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(components.reduce(0) { $0 + $1.count + 3 })
        for component in components {
            guard component.count <= maxComponentBytes else {
                throw .limitExceeded(type: "partition key", reason: "component of \(component.count) bytes")
            }
            bytes.append(contentsOf: BigEndian.bytes(UInt16(component.count)))
            bytes.append(contentsOf: component)
            bytes.append(0)
        }
        return bytes
    }

    /// Splits partition key bytes into the serialized values of its `columnCount` columns.
    /// Throws on truncation, a bad end-of-component byte or a wrong component count.
    public static func components(of key: [UInt8], columnCount: Int) throws(CQLValueError) -> [[UInt8]] {
        precondition(columnCount >= 1, "a partition key has at least one column")
        if columnCount == 1 { return [key] }
        var components: [[UInt8]] = []
        var offset = 0
        while offset < key.count {
            guard components.count < columnCount, key.count - offset >= 2 else { throw .truncated(type: "partition key") }
            let length = Int(BigEndian.integer(key, at: offset, width: 2) as UInt16)
            guard key.count - offset - 2 >= length + 1 else { throw .truncated(type: "partition key") }
            components.append(Array(key[(offset + 2)..<(offset + 2 + length)]))
            guard key[offset + 2 + length] == 0 else {
                throw .invalidContent(type: "partition key", reason: "end-of-component byte is not 0")
            }
            offset += length + 3
        }
        guard components.count == columnCount else {
            throw .invalidContent(type: "partition key", reason: "\(components.count) components, expected \(columnCount)")
        }
        return components
    }
}
