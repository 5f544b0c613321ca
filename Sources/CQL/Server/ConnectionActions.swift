import NIOCore

/// A request the connection hands to the `CQLRequestHandler`; answer it with
/// `ConnectionStateMachine.responseReady(streamID:response:)`. The decoded request itself,
/// moved along: a type of its own copied the message out of it (2 retains a request, perf).
public typealias DispatchedRequest = DecodedRequest

/// What the channel handler must do after an event of `ConnectionStateMachine`, in this
/// order: write `output` (if any), start every request of `dispatch`, then close if asked.
public struct ConnectionActions: Sendable, Equatable {
    /// Encoded frames to write and flush, all responses of the event in one buffer.
    public var output: ByteBuffer?
    /// Requests to run on the `CQLRequestHandler`.
    public var dispatch: [DispatchedRequest]
    /// Close the connection after writing `output`.
    public var close: Bool

    /// No action.
    public init(output: ByteBuffer? = nil, dispatch: [DispatchedRequest] = [], close: Bool = false) {
        self.output = output
        self.dispatch = dispatch
        self.close = close
    }

    /// Whether there is nothing to do.
    public var isEmpty: Bool { output == nil && dispatch.isEmpty && !close }

    mutating func append(_ bytes: ByteBuffer) {
        if output == nil {
            output = bytes
        } else {
            var bytes = bytes
            output!.writeBuffer(&bytes)
        }
    }
}
