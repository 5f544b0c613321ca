/// A value in a statement: a literal, a collection, a bind marker or a function call.
///
/// Numeric and other literals keep their source text (as Cassandra does) so the executor can
/// convert them to the column's type without loss (`varint`, `decimal`).
public indirect enum CQLTerm: Sendable, Equatable {
    /// `NULL`.
    case null
    /// A string literal, unescaped.
    case string(String)
    /// An integer literal's decimal text, e.g. `-42`.
    case integer(String)
    /// A float literal's text, e.g. `1.5e3`, `NaN`, `-Infinity`.
    case float(String)
    /// `true` / `false`.
    case boolean(Bool)
    /// A UUID literal, lower case.
    case uuid(String)
    /// A blob literal's hex digits (after `0x`), lower case.
    case blob(String)
    /// A duration literal's text, e.g. `1h30m`.
    case duration(String)
    /// An anonymous bind marker `?`.
    case bindMarker
    /// A named bind marker `:name`.
    case namedBindMarker(String)
    /// `[t1, t2, ...]`.
    case list([CQLTerm])
    /// `{t1, t2, ...}`.
    case set([CQLTerm])
    /// `{k1: v1, ...}`; `{}` is an empty map.
    case map([CQLMapEntry])
    /// `(t1, t2, ...)`.
    case tuple([CQLTerm])
    /// `{field: t1, ...}`: a user-defined type literal (keys are field identifiers).
    case userType([CQLFieldValue])
    /// `name(arguments)`, e.g. `now()`, `toTimestamp(now())`.
    case functionCall(CQLQualifiedName, [CQLTerm])
}

/// One `key: value` pair of a map literal.
public struct CQLMapEntry: Sendable, Equatable {
    /// The key.
    public var key: CQLTerm
    /// The value.
    public var value: CQLTerm

    /// Creates an entry.
    public init(key: CQLTerm, value: CQLTerm) {
        self.key = key
        self.value = value
    }
}

/// One `field: value` pair of a user-defined type literal.
public struct CQLFieldValue: Sendable, Equatable {
    /// The field's name (lower case unless quoted).
    public var field: String
    /// The value.
    public var value: CQLTerm

    /// Creates a field value.
    public init(field: String, value: CQLTerm) {
        self.field = field
        self.value = value
    }
}
