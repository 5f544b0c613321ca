/// Why a message could not be sent or answered. Every `Transport` call throws only this.
public enum MessagingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer within `after`. The request may or may not have run on the peer.
    case timeout(verb: Verb, peer: NodeAddress, after: Duration)
    /// The peer could not be reached: connect refused or timed out, or no such node.
    case unreachable(NodeAddress, reason: String)
    /// The connection closed after the request was sent and before its answer came; the
    /// request may or may not have run on the peer.
    case connectionLost(NodeAddress)
    /// The peer's outbound queue was full; nothing was sent.
    case queueFull(NodeAddress)
    /// The peer received the request and answered with an error (its handler failed, had no
    /// handler for the verb, or was overloaded).
    case remoteError(String)
    /// The payload does not fit in a frame (`MessagingConfiguration.maxFrameSizeBytes`).
    case payloadTooLarge(sizeBytes: Int, maxBytes: Int)
    /// The transport was shut down, before or while the call ran.
    case closed
    /// The calling task was cancelled while it waited for the answer.
    case cancelled
    /// The transport could not listen on `address` (in use, not a local address, ...).
    case bindFailed(NodeAddress, reason: String)
    /// The transport's own address is not usable in a frame (empty or too long host).
    case invalidLocalAddress(NodeAddress, reason: String)

    /// One line for logs, naming the peer or address involved.
    public var description: String {
        switch self {
        case let .timeout(verb, peer, after): "\(verb) request to \(peer) timed out after \(after)"
        case let .unreachable(peer, reason): "\(peer) is unreachable: \(reason)"
        case .connectionLost(let peer): "connection to \(peer) closed before the response came"
        case .queueFull(let peer): "outbound queue to \(peer) is full"
        case .remoteError(let message): "remote error: \(message)"
        case let .payloadTooLarge(size, max): "payload of \(size) bytes exceeds the frame limit of \(max) bytes"
        case .closed: "transport is shut down"
        case .cancelled: "request cancelled"
        case let .bindFailed(address, reason): "cannot listen on \(address): \(reason)"
        case let .invalidLocalAddress(address, reason): "invalid local address \(address): \(reason)"
        }
    }
}
