import CQL

/// A request handed to `ClientConnectionHandler`: the message and where its response (or
/// failure) goes. Made on any thread, handled on the connection's event loop.
struct ClientRequest: Sendable {
    /// The message to send.
    let message: RequestMessage
    /// Completed on the connection's event loop with the response, or failed with a
    /// `KVClientError` (timeout, connection closed, protocol error).
    let completion: ResponseCompletion
    /// How long to wait for the response once the request is written (0 or less: forever).
    let timeoutMs: Int64
}
