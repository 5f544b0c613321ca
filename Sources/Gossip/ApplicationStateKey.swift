/// The name of one application state a node gossips about itself.
///
/// A key is a one-byte tag on the wire. Tags are never reused; a tag this build does not know
/// is kept and relayed unchanged, so a newer node's states pass through older nodes intact.
/// Values are strings; the comment on each key gives its encoding.
public struct ApplicationStateKey: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The wire tag.
    public let rawValue: UInt8

    /// The key with wire tag `rawValue`, known to this build or not.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `NodeStatus` in its string form (`NORMAL`, `BOOT`, `LEAVING`, `LEFT,<expiryMs>`, `shutdown`).
    public static let status = ApplicationStateKey(rawValue: 1)
    /// The node's ring tokens: decimal Int64 values joined by commas (`TokenListValue`).
    public static let tokens = ApplicationStateKey(rawValue: 2)
    /// The datacenter name.
    public static let datacenter = ApplicationStateKey(rawValue: 3)
    /// The rack name.
    public static let rack = ApplicationStateKey(rawValue: 4)
    /// The schema version the node has applied: a UUID string.
    public static let schemaVersion = ApplicationStateKey(rawValue: 5)
    /// The node's live data size in bytes, in decimal.
    public static let load = ApplicationStateKey(rawValue: 6)
    /// The address CQL clients connect to.
    public static let nativeAddress = ApplicationStateKey(rawValue: 7)
    /// The CQL port, in decimal.
    public static let nativePort = ApplicationStateKey(rawValue: 8)
    /// The node's host id: a UUID string that survives restarts and address changes.
    public static let hostID = ApplicationStateKey(rawValue: 9)
    /// The server's release version (e.g. `4.0.0-kvstore`).
    public static let releaseVersion = ApplicationStateKey(rawValue: 10)
    /// The internode address as `host:port` (`GossipEndpoint.description`).
    public static let internodeAddress = ApplicationStateKey(rawValue: 11)

    /// Every key this build knows, in tag order.
    public static let known: [ApplicationStateKey] = [
        .status, .tokens, .datacenter, .rack, .schemaVersion, .load,
        .nativeAddress, .nativePort, .hostID, .releaseVersion, .internodeAddress,
    ]

    /// Tag order: the order keys are encoded and reported in.
    public static func < (left: ApplicationStateKey, right: ApplicationStateKey) -> Bool {
        left.rawValue < right.rawValue
    }

    /// The key's name, or `unknown(<tag>)`.
    public var description: String {
        switch self {
        case .status: "status"
        case .tokens: "tokens"
        case .datacenter: "datacenter"
        case .rack: "rack"
        case .schemaVersion: "schemaVersion"
        case .load: "load"
        case .nativeAddress: "nativeAddress"
        case .nativePort: "nativePort"
        case .hostID: "hostID"
        case .releaseVersion: "releaseVersion"
        case .internodeAddress: "internodeAddress"
        default: "unknown(\(rawValue))"
        }
    }
}
