/// One internode message as it travels: what it is, whom it answers, who sent it, and its
/// opaque payload. A value type; `FrameCodec` turns it into bytes and back (FORMAT.md).
public struct Frame: Sendable, Equatable {
    /// Request, response, one-way or error response.
    public var kind: FrameKind
    /// What the message asks for; a response carries the verb of its request.
    public var verb: Verb
    /// Matches a response to its request on one connection; 0 for one-way messages.
    public var requestID: UInt64
    /// The listening address of the node that wrote the frame (not the socket's ephemeral
    /// address), so that the receiver knows which node it talks to.
    public var sender: NodeAddress
    /// The bytes the verb's owner defined; Messaging never looks inside.
    public var payload: [UInt8]

    /// A frame from its parts.
    public init(kind: FrameKind, verb: Verb, requestID: UInt64, sender: NodeAddress, payload: [UInt8]) {
        self.kind = kind
        self.verb = verb
        self.requestID = requestID
        self.sender = sender
        self.payload = payload
    }
}
