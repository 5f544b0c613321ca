/// A CQL data type as written in DDL or a `CAST`.
public indirect enum CQLType: Sendable, Equatable {
    /// A built-in scalar type.
    case native(CQLNativeType)
    /// `list<T>`.
    case list(CQLType)
    /// `set<T>`.
    case set(CQLType)
    /// `map<K, V>`.
    case map(key: CQLType, value: CQLType)
    /// `tuple<T1, T2, ...>`.
    case tuple([CQLType])
    /// `frozen<T>`.
    case frozen(CQLType)
    /// A user-defined type, by (optionally keyspace-qualified) name.
    case userDefined(CQLQualifiedName)
}

/// CQL's native scalar types.
public enum CQLNativeType: String, Sendable, Equatable, CaseIterable {
    case ascii, bigint, blob, boolean, counter, date, decimal, double, duration, float, inet
    case int, smallint, text, time, timestamp, timeuuid, tinyint, uuid, varchar, varint
}

/// A name that may be qualified by a keyspace: `ks.t` or just `t`.
public struct CQLQualifiedName: Sendable, Equatable, Hashable {
    /// The keyspace, when written.
    public var keyspace: String?
    /// The table, type or function name.
    public var name: String

    /// Creates a name.
    public init(keyspace: String? = nil, _ name: String) {
        self.keyspace = keyspace
        self.name = name
    }
}
