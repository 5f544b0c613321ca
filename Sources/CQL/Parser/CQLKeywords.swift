/// CQL's reserved keywords: words that can never be an unquoted identifier.
///
/// Every other keyword (`key`, `ttl`, `type`, `count`, `values`...) may also name a column,
/// as in Cassandra (see Appendix A of the CQL reference).
enum CQLKeywords {
    /// The reserved words, lower case.
    static let reserved: Set<String> = [
        "add", "allow", "alter", "and", "apply", "asc", "authorize", "batch", "begin", "by",
        "columnfamily", "create", "delete", "desc", "describe", "drop", "entries", "execute",
        "from", "full", "grant", "if", "in", "index", "infinity", "insert", "into", "is",
        "keyspace", "limit", "materialized", "mbean", "mbeans", "modify", "nan", "norecursive",
        "not", "null", "of", "on", "or", "order", "primary", "rename", "replace", "revoke",
        "schema", "select", "set", "table", "to", "token", "truncate", "unlogged", "unset",
        "update", "use", "using", "view", "where", "with",
    ]
}
