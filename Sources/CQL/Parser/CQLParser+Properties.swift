/// `WITH name = value AND ...` option lists for keyspaces and tables.
extension CQLParser {
    /// Parses keyspace options, extracting `replication` and `durable_writes`.
    mutating func parseKeyspaceOptions() throws(CQLSyntaxError) -> CQLKeyspaceOptions {
        var options = CQLKeyspaceOptions()
        repeat {
            let (name, valueToken, value) = try parseProperty()
            switch name {
            case "replication": options.replication = try textMap(value, at: valueToken)
            case "durable_writes": options.durableWrites = try boolean(value, at: valueToken)
            default: options.otherProperties.append(CQLProperty(name: name, value: value))
            }
        } while acceptKeyword("and")
        return options
    }

    /// Parses table options, extracting the typed ones and keeping the rest as properties.
    mutating func parseTableOptions() throws(CQLSyntaxError) -> CQLTableOptions {
        var options = CQLTableOptions()
        repeat {
            if acceptKeyword("clustering") {
                try expectKeyword("order")
                try expectKeyword("by")
                try expectSymbol("(")
                options.clusteringOrder = try parseCommaSeparated { (parser: inout CQLParser) throws(CQLSyntaxError) in
                    try parser.parseOrdering()
                }
                try expectSymbol(")")
                continue
            }
            try parseTableProperty(into: &options)
        } while acceptKeyword("and")
        return options
    }

    /// Parses one `name = value` table option into `options`.
    mutating func parseTableProperty(into options: inout CQLTableOptions) throws(CQLSyntaxError) {
        let (name, valueToken, value) = try parseProperty()
        switch name {
        case "default_time_to_live": options.defaultTimeToLiveSeconds = try integer(value, at: valueToken)
        case "gc_grace_seconds": options.gcGraceSeconds = try integer(value, at: valueToken)
        case "compaction": options.compaction = try textMap(value, at: valueToken)
        case "comment":
            guard case .string(let text) = value else { throw .invalid(valueToken, "comment must be a string") }
            options.comment = text
        default: options.otherProperties.append(CQLProperty(name: name, value: value))
        }
    }

    /// Parses `name = term`, returning the value's first token for error reporting.
    mutating func parseProperty() throws(CQLSyntaxError) -> (String, CQLToken, CQLTerm) {
        let name = try parseIdentifier()
        try expectSymbol("=")
        let valueToken = current
        return (name, valueToken, try parseTerm())
    }

    /// A non-negative integer option value.
    func integer(_ value: CQLTerm, at token: CQLToken) throws(CQLSyntaxError) -> Int {
        guard case .integer(let text) = value, let number = Int(text), number >= 0 else {
            throw .invalid(token, "invalid value '\(token.text)': expected a non-negative integer")
        }
        return number
    }

    /// A boolean option value (`true`, or the string `'true'`).
    func boolean(_ value: CQLTerm, at token: CQLToken) throws(CQLSyntaxError) -> Bool {
        switch value {
        case .boolean(let flag): return flag
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw .invalid(token, "invalid value '\(token.text)': expected a boolean")
        }
    }

    /// A map literal whose keys are strings and values are literals, as text.
    func textMap(_ value: CQLTerm, at token: CQLToken) throws(CQLSyntaxError) -> [String: String] {
        guard case .map(let entries) = value else { throw .invalid(token, "invalid value '\(token.text)': expected a map") }
        var map: [String: String] = [:]
        for entry in entries {
            guard case .string(let key) = entry.key, let text = literalText(entry.value) else {
                throw .invalid(token, "invalid map value: keys must be strings and values literals")
            }
            map[key] = text
        }
        return map
    }

    /// The text of a scalar literal, or nil for anything else.
    func literalText(_ term: CQLTerm) -> String? {
        switch term {
        case .string(let text), .integer(let text), .float(let text), .duration(let text), .uuid(let text): return text
        case .boolean(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
