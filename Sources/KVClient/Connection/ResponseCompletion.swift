import CQL
import NIOCore

/// Where the outcome of one request goes: a promise (STARTUP, whose caller chains futures),
/// the continuation of the task awaiting it (no promise, future or callback is allocated for
/// it), the `LaneExecution` of a `ClientLane` request (reused from request to request), or
/// a load generator's `DirectExecution`.
/// Completed exactly once, on the connection's event loop.
enum ResponseCompletion: Sendable {
    case promise(EventLoopPromise<DecodedResponse>)
    case continuation(UnsafeContinuation<Result<DecodedResponse, KVClientError>, Never>)
    case lane(LaneExecution)
    case direct(DirectExecution)

    /// Delivers the response.
    func succeed(_ response: DecodedResponse) {
        switch self {
        case .promise(let promise): promise.succeed(response)
        case .continuation(let continuation): continuation.resume(returning: .success(response))
        case .lane(let execution): execution.receive(response)
        case .direct(let execution): execution.receive(response)
        }
    }

    /// Delivers the failure.
    func fail(_ error: KVClientError) {
        switch self {
        case .promise(let promise): promise.fail(error)
        case .continuation(let continuation): continuation.resume(returning: .failure(error))
        case .lane(let execution): execution.fail(error)
        case .direct(let execution): execution.fail(error)
        }
    }
}
