/// A handler's answer to one request: the response message and the warnings to send with it
/// (the frame's warning flag 0x08 and `[string list]`, which drivers surface to the
/// application, e.g. the Python driver's `ResponseFuture.warnings`).
public struct CQLResponse: Sendable, Hashable {
    public var message: ResponseMessage
    /// Client warnings, in the order they arose; empty for none.
    public var warnings: [String]

    public init(_ message: ResponseMessage, warnings: [String] = []) {
        self.message = message
        self.warnings = warnings
    }
}
