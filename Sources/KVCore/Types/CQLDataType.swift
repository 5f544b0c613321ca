/// A CQL data type as Cassandra defines it: scalars, collections, tuples, user-defined types.
///
/// `varchar` is the same type as `text`. `frozen(T)` marks a collection or UDT stored as one
/// opaque value; it does not change the serialization, only the storage model and the
/// type's name. Tuples are always frozen in Cassandra; the marker is kept only if given.
public indirect enum CQLDataType: Sendable, Hashable {
    case ascii
    case bigint
    case blob
    case boolean
    case counter
    case date
    case decimal
    case double
    case duration
    case float
    case inet
    case int
    case smallint
    case text
    case time
    case timestamp
    case timeuuid
    case tinyint
    case uuid
    case varint
    case list(CQLDataType)
    case set(CQLDataType)
    case map(CQLDataType, CQLDataType)
    case tuple([CQLDataType])
    case udt(keyspace: String, name: String, fields: [CQLUDTField])
    case frozen(CQLDataType)

    /// The alias Cassandra accepts for `text`.
    public static let varchar = CQLDataType.text

    /// Whether this type carries the `frozen` marker at its top level.
    public var isFrozen: Bool {
        if case .frozen = self { return true }
        return false
    }

    /// The type with any top-level `frozen` markers removed.
    public var unfrozen: CQLDataType {
        if case .frozen(let inner) = self { return inner.unfrozen }
        return self
    }

    /// Whether this is a list, set or map (frozen or not).
    public var isCollection: Bool {
        switch unfrozen {
        case .list, .set, .map: return true
        default: return false
        }
    }

    /// The serialized width in bytes of fixed-width types, `nil` for variable-width ones.
    public var fixedWidthBytes: Int? {
        switch unfrozen {
        case .boolean, .tinyint: return 1
        case .smallint: return 2
        case .int, .float, .date: return 4
        case .bigint, .counter, .double, .time, .timestamp: return 8
        case .uuid, .timeuuid: return 16
        default: return nil
        }
    }

    /// How deeply collections, tuples and UDTs nest in this type (0 for scalars).
    public var nestingDepth: Int {
        switch self {
        case .frozen(let inner): return inner.nestingDepth
        case .list(let element), .set(let element): return 1 + element.nestingDepth
        case .map(let key, let value): return 1 + max(key.nestingDepth, value.nestingDepth)
        case .tuple(let elements): return 1 + (elements.map(\.nestingDepth).max() ?? 0)
        case .udt(_, _, let fields): return 1 + (fields.map(\.type.nestingDepth).max() ?? 0)
        default: return 0
        }
    }
}

/// One named field of a user-defined type.
public struct CQLUDTField: Sendable, Hashable {
    /// The field's name as declared.
    public var name: String
    /// The field's type.
    public var type: CQLDataType

    /// The field `name type`.
    public init(name: String, type: CQLDataType) {
        self.name = name
        self.type = type
    }
}
