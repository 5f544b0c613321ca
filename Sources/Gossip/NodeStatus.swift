/// A node's membership status, gossiped as the `status` application state.
///
/// The string forms follow Cassandra's gossip (`NORMAL`, `BOOT`, `LEAVING`, `LEFT`,
/// `shutdown`); tokens travel in their own state rather than inside the status.
public enum NodeStatus: Hashable, Sendable {
    /// Owns its tokens and serves reads and writes.
    case normal
    /// Bootstrapping: streaming data for tokens it does not own yet (`BOOT`).
    case joining
    /// Handing its ranges to others before leaving.
    case leaving
    /// Gone from the ring. Every node drops the endpoint once wall-clock time passes
    /// `expiryMillis` (milliseconds since the epoch), chosen by the leaving node.
    case left(expiryMillis: Int64)
    /// Stopped cleanly and expected back; it keeps its tokens.
    case shutdown

    /// The gossiped string form.
    public var value: String {
        switch self {
        case .normal: "NORMAL"
        case .joining: "BOOT"
        case .leaving: "LEAVING"
        case .left(let expiryMillis): "LEFT,\(expiryMillis)"
        case .shutdown: "shutdown"
        }
    }

    /// Parses the gossiped form; nil for anything else (a newer node's status, garbage).
    public init?(value: String) {
        switch value {
        case "NORMAL": self = .normal
        case "BOOT": self = .joining
        case "LEAVING": self = .leaving
        case "shutdown": self = .shutdown
        default:
            guard value.hasPrefix("LEFT,"), let expiry = Int64(value.dropFirst(5)) else { return nil }
            self = .left(expiryMillis: expiry)
        }
    }

    /// True for states in which a node must not be marked up on heartbeat progress alone:
    /// it has said it is gone (`LEFT`) or stopping (`shutdown`). Only a new generation
    /// (a restart) brings such a node back.
    public var isDead: Bool {
        switch self {
        case .left, .shutdown: true
        case .normal, .joining, .leaving: false
        }
    }
}
