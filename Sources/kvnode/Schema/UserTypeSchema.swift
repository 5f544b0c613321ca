import KVCore

/// A user-defined type of a keyspace (`CREATE TYPE`). `fields` hold resolved types: a field
/// that is itself a UDT carries that type's current fields (see `Schema.resolvingUserTypes`).
/// `timestamp` (microseconds) is the time of its last change, used as for tables to pick
/// between conflicting definitions when schemas merge.
struct UserTypeSchema: Sendable, Equatable {
    var keyspace: String
    var name: String
    var fields: [CQLUDTField]
    var timestamp: Int64
    /// A tombstone: the type was dropped at `timestamp` (kept so merges do not resurrect it).
    var dropped: Bool = false

    var key: String { "\(keyspace).\(name)" }

    /// The (non-frozen) type columns and fields refer to.
    var dataType: CQLDataType { .udt(keyspace: keyspace, name: name, fields: fields) }
}
