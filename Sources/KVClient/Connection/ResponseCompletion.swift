import CQL
import NIOCore

/// Where the outcome of one request goes: a promise (STARTUP, whose caller chains futures) or
/// the continuation of the task awaiting it (every other request: no promise, future or
/// callback is allocated for it). Completed exactly once, on the connection's event loop.
enum ResponseCompletion: Sendable {
    case promise(EventLoopPromise<DecodedResponse>)
    case continuation(UnsafeContinuation<Result<DecodedResponse, KVClientError>, Never>)

    /// Delivers the response.
    func succeed(_ response: DecodedResponse) {
        switch self {
        case .promise(let promise): promise.succeed(response)
        case .continuation(let continuation): continuation.resume(returning: .success(response))
        }
    }

    /// Delivers the failure.
    func fail(_ error: KVClientError) {
        switch self {
        case .promise(let promise): promise.fail(error)
        case .continuation(let continuation): continuation.resume(returning: .failure(error))
        }
    }
}
