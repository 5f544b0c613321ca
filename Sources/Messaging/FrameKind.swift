/// The role of a frame, one byte on the wire. Values are never reused.
public enum FrameKind: UInt8, Sendable, CaseIterable {
    /// Asks for an answer carrying the same request id.
    case request = 1
    /// A successful answer; the payload is the handler's reply.
    case response = 2
    /// Asks for no answer; the request id is 0 and ignored.
    case oneWay = 3
    /// A failed answer; the payload is a UTF-8 message for the requester.
    case errorResponse = 4

    /// True for the kinds that answer a request (`response`, `errorResponse`).
    public var isAnswer: Bool { self == .response || self == .errorResponse }
}
