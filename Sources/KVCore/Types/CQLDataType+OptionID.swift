extension CQLDataType {
    /// The `[option]` id of this type in the native protocol (v4 §6.2 `col_spec`).
    ///
    /// `text` answers 0x000D (varchar), as Cassandra sends it; 0x000A is never produced.
    /// `frozen` does not appear on the wire: the inner type's id is returned.
    public var protocolOptionID: UInt16 {
        switch self {
        case .ascii: return 0x0001
        case .bigint: return 0x0002
        case .blob: return 0x0003
        case .boolean: return 0x0004
        case .counter: return 0x0005
        case .decimal: return 0x0006
        case .double: return 0x0007
        case .float: return 0x0008
        case .int: return 0x0009
        case .timestamp: return 0x000B
        case .uuid: return 0x000C
        case .text: return 0x000D
        case .varint: return 0x000E
        case .timeuuid: return 0x000F
        case .inet: return 0x0010
        case .date: return 0x0011
        case .time: return 0x0012
        case .smallint: return 0x0013
        case .tinyint: return 0x0014
        case .duration: return 0x0015
        case .list: return 0x0020
        case .map: return 0x0021
        case .set: return 0x0022
        case .udt: return 0x0030
        case .tuple: return 0x0031
        case .frozen(let inner): return inner.protocolOptionID
        }
    }

    /// The scalar type with protocol option id `id` (0x000A text and 0x000D varchar both
    /// give `.text`), or `nil` for a parameterized or unknown id.
    public init?(scalarProtocolOptionID id: UInt16) {
        let scalars: [CQLDataType] = [
            .ascii, .bigint, .blob, .boolean, .counter, .decimal, .double, .float, .int,
            .timestamp, .uuid, .text, .varint, .timeuuid, .inet, .date, .time, .smallint,
            .tinyint, .duration,
        ]
        if id == 0x000A { self = .text; return }
        guard let match = scalars.first(where: { $0.protocolOptionID == id }) else { return nil }
        self = match
    }
}
