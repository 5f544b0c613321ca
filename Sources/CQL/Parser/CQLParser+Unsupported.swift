/// Valid CQL for features this server does not have — secondary indexes, materialized
/// views, functions and aggregates, triggers, roles and permissions — is recognised by its
/// first words and answered with an Invalid error naming the feature, not a syntax error.
extension CQLParser {
    /// The error message for the statement starting here, if it is one of those; the
    /// statement's tokens are then consumed up to its end.
    mutating func parseUnsupportedStatement() -> String? {
        guard let message = unsupportedFeature() else { return nil }
        while current.kind != .endOfInput && !(current.kind == .symbol && current.value == ";") { _ = advance() }
        return message
    }

    private func unsupportedFeature() -> String? {
        let first = current.kind == .identifier ? current.value : ""
        let second = peek(1).kind == .identifier ? peek(1).value : ""
        switch (first, second) {
        case ("create", "index"), ("create", "custom"), ("drop", "index"):
            return "Secondary indexes are not supported: filter with ALLOW FILTERING (the row-filter API) instead"
        case ("create", "materialized"), ("alter", "materialized"), ("drop", "materialized"):
            return "Materialized views are not supported"
        case ("create", "function"), ("create", "aggregate"), ("create", "or"), ("drop", "function"), ("drop", "aggregate"):
            return "User-defined functions and aggregates are not supported"
        case ("create", "trigger"), ("drop", "trigger"):
            return "Triggers are not supported"
        case ("create", "role"), ("alter", "role"), ("drop", "role"), ("create", "user"), ("alter", "user"),
             ("drop", "user"), ("grant", _), ("revoke", _), ("list", _):
            return "Authentication and authorization (roles, users, permissions) are not supported"
        default:
            return nil
        }
    }
}
