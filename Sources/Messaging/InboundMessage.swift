/// A message delivered to this node's handler for its verb.
public struct InboundMessage: Sendable {
    /// What the sender asks for.
    public var verb: Verb
    /// The sender's opaque bytes.
    public var payload: [UInt8]
    /// The sender's listening address (the node to talk back to), as the sender states it.
    public var from: NodeAddress
    /// True for a request, whose handler's `Reply` goes back to the sender; false for a
    /// one-way message, whose handler's return value is ignored.
    public var expectsReply: Bool

    /// A message from its parts.
    public init(verb: Verb, payload: [UInt8], from: NodeAddress, expectsReply: Bool) {
        self.verb = verb
        self.payload = payload
        self.from = from
        self.expectsReply = expectsReply
    }
}

/// A handler's answer to a request.
public enum Reply: Sendable, Equatable {
    /// Success: these bytes become the requester's result.
    case success([UInt8])
    /// Failure: the requester's call throws `MessagingError.remoteError(message)`.
    case failure(String)
}

/// The receiving node's code for one verb. Called once per inbound message, concurrently
/// with other calls, on no particular thread or actor. For a request, returning a `Reply`
/// answers it, and returning nil drops it (the requester times out, as when the message is
/// lost); for a one-way message the result is ignored. Cancelled when the transport shuts
/// down.
public typealias MessageHandler = @Sendable (InboundMessage) async -> Reply?
