import CQL
import NIOCore

/// A request handed to `ClientConnectionHandler`: what to send and where its response (or
/// failure) goes. Made on any thread, handled on the connection's event loop.
struct ClientRequest: Sendable {
    /// What a request sends.
    enum Body: Sendable {
        /// A message, encoded as it is.
        case message(RequestMessage)
        /// An EXECUTE whose body is already encoded (a `ClientLane` request's: no message
        /// value is built or copied for it, and a retry sends the same bytes).
        case execute(body: ByteBuffer)
    }

    let body: Body
    /// Completed on the connection's event loop with the response, or failed with a
    /// `KVClientError` (timeout, connection closed, protocol error).
    let completion: ResponseCompletion
    /// How long to wait for the response once the request is written (0 or less: forever).
    let timeoutMs: Int64
}
