import CQL

extension KVClientError: CustomStringConvertible {
    /// A one-line description; server errors read as cqlsh prints them
    /// (`InvalidRequest: Error from server: code=2200 [Invalid query] message="..."`).
    public var description: String {
        switch self {
        case .server(let error): return error.description
        case .noHostAvailable(let causes):
            let list = causes.map { "\($0.host): \($0.error)" }.joined(separator: "; ")
            return "NoHostAvailable: no host could take the request (\(list.isEmpty ? "no hosts known" : list))"
        case .connectionClosed(let host, let reason): return "ConnectionClosed: connection to \(host) closed: \(reason)"
        case .timeout(let host, let timeoutMs): return "OperationTimedOut: no response from \(host) within \(timeoutMs) ms"
        case .protocolError(let text): return "ProtocolError: \(text)"
        case .invalidArgument(let text): return "InvalidArgument: \(text)"
        case .clientClosed: return "ClientClosed: the client was closed"
        case .schemaDisagreement(let versions):
            let listed = versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "SchemaDisagreement: the nodes did not agree on the schema in time (\(listed))"
        }
    }
}

extension ServerError: CustomStringConvertible {
    /// The cqlsh form: `<Name>: Error from server: code=XXXX [summary] message="..."`, with an
    /// `info={...}` suffix for Unavailable and the timeouts, and `AlreadyExists: Keyspace 'k'
    /// already exists` for AlreadyExists, as the Python driver words them.
    public var description: String {
        if case .alreadyExists(let keyspace, let table) = detail {
            let what = table.isEmpty ? "Keyspace '\(keyspace)'" : "Table '\(keyspace).\(table)'"
            return "AlreadyExists: \(what) already exists"
        }
        let code = String(code, radix: 16)
        let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
        var text = "\(name): Error from server: code=\(padded) [\(summary)] message=\"\(message)\""
        if let info { text += " info={\(info)}" }
        return text
    }

    /// The Python driver's exception name for the code (what cqlsh prints first).
    public var name: String {
        switch detail {
        case .serverError: return "ServerError"
        case .protocolError: return "ProtocolException"
        case .badCredentials: return "AuthenticationFailed"
        case .unavailable: return "Unavailable"
        case .overloaded: return "OverloadedErrorMessage"
        case .isBootstrapping: return "IsBootstrappingErrorMessage"
        case .truncateError: return "TruncateError"
        case .writeTimeout: return "WriteTimeout"
        case .readTimeout: return "ReadTimeout"
        case .readFailure: return "ReadFailure"
        case .functionFailure: return "FunctionFailure"
        case .writeFailure: return "WriteFailure"
        case .syntaxError: return "SyntaxException"
        case .unauthorized: return "Unauthorized"
        case .invalid: return "InvalidRequest"
        case .configError: return "ConfigurationException"
        case .alreadyExists: return "AlreadyExists"
        case .unprepared: return "PreparedQueryNotFound"
        }
    }

    /// The Python driver's summary of the code (in brackets in cqlsh's message).
    public var summary: String {
        switch detail {
        case .serverError: return "Server error"
        case .protocolError: return "Protocol error"
        case .badCredentials: return "Bad credentials"
        case .unavailable: return "Unavailable exception"
        case .overloaded: return "Request was overloaded"
        case .isBootstrapping: return "Bootstrapping node"
        case .truncateError: return "Error during truncate"
        case .writeTimeout, .readTimeout: return "Coordinator node timed out waiting for replica nodes' responses"
        case .readFailure: return "Replica(s) failed to execute read"
        case .functionFailure: return "User Defined Function failure"
        case .writeFailure: return "Replica(s) failed to execute write"
        case .syntaxError: return "Syntax error in CQL query"
        case .unauthorized: return "Unauthorized"
        case .invalid: return "Invalid query"
        case .configError: return "Query invalid because of configuration issue"
        case .alreadyExists: return "Already exists"
        case .unprepared: return "Unprepared query"
        }
    }

    private var info: String? {
        switch detail {
        case .unavailable(let consistency, let required, let alive):
            return "'consistency': '\(consistency.name)', 'required_replicas': \(required), 'alive_replicas': \(alive)"
        case .writeTimeout(let consistency, let received, let blockFor, let writeType):
            return "'consistency': '\(consistency.name)', 'required_responses': \(blockFor), "
                + "'received_responses': \(received), 'write_type': '\(writeType.rawValue)'"
        case .readTimeout(let consistency, let received, let blockFor, let dataPresent):
            return "'consistency': '\(consistency.name)', 'required_responses': \(blockFor), "
                + "'received_responses': \(received), 'data_retrieved': \(dataPresent ? "True" : "False")"
        default: return nil
        }
    }
}
