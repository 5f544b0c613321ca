import CQL
import NIOCore

/// A request handed to `ClientConnectionHandler`: the message and the promise its response
/// (or failure) completes. Written into the channel from any thread.
struct ClientRequest: Sendable {
    /// The message to send.
    let message: RequestMessage
    /// Completed on the connection's event loop with the response, or failed with a
    /// `KVClientError` (timeout, connection closed, protocol error).
    let promise: EventLoopPromise<DecodedResponse>
    /// How long to wait for the response once the request is written.
    let timeoutMs: Int64
}
