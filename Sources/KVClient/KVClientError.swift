import CQL

/// Why a `KVClient` call failed. Every public call throws only this type.
public enum KVClientError: Error, Sendable, Equatable {
    /// The node answered with an ERROR frame (after any retries the client makes itself).
    case server(ServerError)
    /// No node could take the request; `causes` says why each one tried failed, in the order
    /// they were tried (a node in reconnection backoff reports its last failure).
    case noHostAvailable(causes: [HostFailure])
    /// The connection to `host` closed (or could not be opened) before the response came.
    case connectionClosed(host: String, reason: String)
    /// No response from `host` within `timeoutMs` (the request may still have been applied).
    case timeout(host: String, timeoutMs: Int64)
    /// The node sent bytes the client cannot decode, or an unexpected message.
    case protocolError(String)
    /// The call's own arguments are wrong (value count or type, bad contact point...).
    case invalidArgument(String)
    /// The client was closed.
    case clientClosed
    /// The nodes still reported different schema versions (by host) when the wait ended.
    case schemaDisagreement(versions: [String: String])

    /// The server error, when this is one.
    public var serverError: ServerError? {
        if case .server(let error) = self { return error }
        return nil
    }
}

/// An ERROR frame's content: the code, the message and the code-specific details
/// (Unavailable, WriteTimeout, ReadTimeout, AlreadyExists... see `ErrorDetail`).
public struct ServerError: Sendable, Equatable {
    /// Which node answered.
    public var host: String
    /// The decoded error code and tail.
    public var detail: ErrorDetail
    /// The server's message.
    public var message: String

    /// Creates a server error.
    public init(host: String, detail: ErrorDetail, message: String) {
        self.host = host
        self.detail = detail
        self.message = message
    }

    /// The ERROR `response` from `host`.
    init(host: String, response: ErrorResponse) {
        self.init(host: host, detail: response.detail, message: response.message)
    }

    /// The `[int]` error code (0x2200 for Invalid...).
    public var code: Int32 { detail.code }
}

/// Why one node could not take a request.
public struct HostFailure: Sendable, Equatable {
    /// The node, as `address:port`.
    public var host: String
    /// What went wrong there.
    public var error: KVClientError

    /// Creates a per-host failure.
    public init(host: String, error: KVClientError) {
        self.host = host
        self.error = error
    }
}
