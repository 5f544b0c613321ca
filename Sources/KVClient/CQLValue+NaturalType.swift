import KVCore

extension CQLValue {
    /// The type this value serializes as when no statement metadata says otherwise (values
    /// bound to a plain QUERY). Collection element types come from the first element; an
    /// empty collection serializes the same whatever its element type.
    public var naturalType: CQLDataType {
        switch self {
        case .ascii: return .ascii
        case .bigint: return .bigint
        case .blob: return .blob
        case .boolean: return .boolean
        case .counter: return .counter
        case .date: return .date
        case .decimal: return .decimal
        case .double: return .double
        case .duration: return .duration
        case .float: return .float
        case .inet: return .inet
        case .int: return .int
        case .smallint: return .smallint
        case .text: return .text
        case .time: return .time
        case .timestamp: return .timestamp
        case .timeuuid: return .timeuuid
        case .tinyint: return .tinyint
        case .uuid: return .uuid
        case .varint: return .varint
        case .list(let elements): return .list(elements.first?.naturalType ?? .blob)
        case .set(let elements): return .set(elements.first?.naturalType ?? .blob)
        case .map(let entries):
            return .map(entries.first?.key.naturalType ?? .blob, entries.first?.value.naturalType ?? .blob)
        case .tuple(let fields): return .tuple(fields.map { $0?.naturalType ?? .blob })
        case .udt(let fields):
            return .udt(keyspace: "", name: "", fields: fields.enumerated().map {
                CQLUDTField(name: "f\($0.offset)", type: $0.element?.naturalType ?? .blob)
            })
        }
    }
}
