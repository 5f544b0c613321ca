/// CQL types: native, collections, tuples, frozen and user-defined.
extension CQLParser {
    /// Parses a type.
    mutating func parseType() throws(CQLSyntaxError) -> CQLType {
        try enterNesting()
        defer { leaveNesting() }
        let token = current
        if token.kind == .identifier, peek(1).isSymbol("<"),
            ["list", "set", "map", "frozen", "tuple"].contains(token.value)
        {
            advance()
            return try parseParameterizedType(token)
        }
        if token.kind == .identifier, let native = CQLNativeType(rawValue: token.value) {
            advance()
            return .native(native)
        }
        guard currentIsIdentifier else {
            throw token.kind == .endOfInput ? .mismatched(token, expecting: "a type") : .noViableAlternative(token)
        }
        return .userDefined(try parseQualifiedName())
    }

    /// Parses `<...>` after `list`, `set`, `map`, `frozen` or `tuple`.
    mutating func parseParameterizedType(_ keyword: CQLToken) throws(CQLSyntaxError) -> CQLType {
        try expectSymbol("<")
        let parameters = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
            try parser.parseType()
        }
        let expectedCount = ["map": 2, "tuple": parameters.count][keyword.value] ?? 1
        guard parameters.count == expectedCount else {
            throw .invalid(keyword, "wrong number of type parameters for '\(keyword.text)': expected \(expectedCount), got \(parameters.count)")
        }
        try expectSymbol(">")
        switch keyword.value {
        case "list": return .list(parameters[0])
        case "set": return .set(parameters[0])
        case "map": return .map(key: parameters[0], value: parameters[1])
        case "frozen": return .frozen(parameters[0])
        default: return .tuple(parameters)
        }
    }
}
