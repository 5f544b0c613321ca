
import KVCore

extension DataTypeOption {
    /// The Java class v4 servers use for `duration` (sent as a custom type).
    static let durationClassName = "org.apache.cassandra.db.marshal.DurationType"

    /// The type `CQLValue.deserialize` needs for values of this protocol type. Custom types
    /// other than duration are kept as raw blobs.
    public var dataType: CQLDataType {
        switch self {
        case .custom(let className): return className == Self.durationClassName ? .duration : .blob
        case .ascii: return .ascii
        case .bigint: return .bigint
        case .blob: return .blob
        case .boolean: return .boolean
        case .counter: return .counter
        case .decimal: return .decimal
        case .double: return .double
        case .float: return .float
        case .int: return .int
        case .timestamp: return .timestamp
        case .uuid: return .uuid
        case .varchar: return .text
        case .varint: return .varint
        case .timeuuid: return .timeuuid
        case .inet: return .inet
        case .date: return .date
        case .time: return .time
        case .smallint: return .smallint
        case .tinyint: return .tinyint
        case .list(let element): return .list(element.dataType)
        case .set(let element): return .set(element.dataType)
        case .map(let key, let value): return .map(key.dataType, value.dataType)
        case .tuple(let elements): return .tuple(elements.map(\.dataType))
        case .userDefined(let keyspace, let name, let fields):
            return .udt(keyspace: keyspace, name: name,
                        fields: fields.map { CQLUDTField(name: $0.name, type: $0.type.dataType) })
        }
    }
}

extension DataTypeOption {
    /// The protocol's description of a column of `type` (result and bind metadata).
    public init(_ type: CQLDataType) {
        switch type {
        case .ascii: self = .ascii
        case .bigint: self = .bigint
        case .blob: self = .blob
        case .boolean: self = .boolean
        case .counter: self = .counter
        case .date: self = .date
        case .decimal: self = .decimal
        case .double: self = .double
        case .duration: self = .custom(Self.durationClassName)
        case .float: self = .float
        case .inet: self = .inet
        case .int: self = .int
        case .smallint: self = .smallint
        case .text: self = .varchar
        case .time: self = .time
        case .timestamp: self = .timestamp
        case .timeuuid: self = .timeuuid
        case .tinyint: self = .tinyint
        case .uuid: self = .uuid
        case .varint: self = .varint
        case .list(let element): self = .list(DataTypeOption(element))
        case .set(let element): self = .set(DataTypeOption(element))
        case .map(let key, let value): self = .map(key: DataTypeOption(key), value: DataTypeOption(value))
        case .tuple(let elements): self = .tuple(elements.map(DataTypeOption.init))
        case .udt(let keyspace, let name, let fields):
            self = .userDefined(keyspace: keyspace, name: name,
                                fields: fields.map { UserTypeField(name: $0.name, type: DataTypeOption($0.type)) })
        case .frozen(let inner): self = DataTypeOption(inner)
        }
    }
}
