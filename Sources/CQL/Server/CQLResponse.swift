/// A handler's answer to one request: the response message, and the warnings and custom
/// payload to send with it (the frame's flags 0x08 and 0x04, which drivers surface to the
/// application, e.g. the Python driver's `ResponseFuture.warnings` and `custom_payload`).
public struct CQLResponse: Sendable, Hashable {
    public var message: ResponseMessage
    /// Client warnings, in the order they arose; empty for none.
    public var warnings: [String]
    /// Named values for the client; empty for none.
    public var customPayload: [String: [UInt8]]

    public init(_ message: ResponseMessage, warnings: [String] = [], customPayload: [String: [UInt8]] = [:]) {
        self.message = message
        self.warnings = warnings
        self.customPayload = customPayload
    }
}
