import CQL
import KVClient

/// How a failed operation is counted: a timeout (the client's, or the server's read or write
/// timeout), or an error of a named kind. Names are lowercase with hyphens (they are JSON
/// keys of the report).
enum BenchErrorKind: Equatable {
    case timeout
    case error(String)

    init(_ error: KVClientError) {
        switch error {
        case .timeout: self = .timeout
        case .server(let server): self = Self.kind(of: server.detail)
        case .noHostAvailable(let causes):
            // One node tried and it timed out is a timeout, not an availability problem.
            if causes.count == 1, Self(causes[0].error) == .timeout { self = .timeout } else {
                self = .error("no-host-available")
            }
        case .connectionClosed: self = .error("connection-closed")
        case .protocolError: self = .error("protocol-error")
        case .invalidArgument: self = .error("invalid-argument")
        case .clientClosed: self = .error("client-closed")
        case .schemaDisagreement: self = .error("schema-disagreement")
        }
    }

    private static func kind(of detail: ErrorDetail) -> BenchErrorKind {
        switch detail {
        case .readTimeout, .writeTimeout: return .timeout
        case .unavailable: return .error("unavailable")
        case .overloaded: return .error("overloaded")
        case .isBootstrapping: return .error("is-bootstrapping")
        case .readFailure: return .error("read-failure")
        case .writeFailure: return .error("write-failure")
        case .syntaxError: return .error("syntax-error")
        case .invalid: return .error("invalid")
        case .unprepared: return .error("unprepared")
        case .serverError: return .error("server-error")
        default: return .error("server-error-\(String(detail.code, radix: 16))")
        }
    }
}
