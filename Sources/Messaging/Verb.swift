/// What a message asks the receiver to do. The transport routes on it and picks a default
/// timeout by it; the payload it carries is opaque to Messaging.
///
/// A verb is a 16-bit number on the wire. Values are assigned once and never reused; a new
/// verb takes a new number. Receivers answer an unknown verb with an error response.
public struct Verb: RawRepresentable, Hashable, Sendable, Comparable {
    /// The number on the wire.
    public var rawValue: UInt16

    /// Any verb, including ones this build has no name for.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Orders by wire number.
    public static func < (lhs: Verb, rhs: Verb) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Verb {
    /// A liveness probe; the receiver answers with the payload it got.
    public static let echo = Verb(rawValue: 1)

    /// Gossip round, step 1: the initiator's digests.
    public static let gossipDigestSyn = Verb(rawValue: 10)
    /// Gossip round, step 2: the receiver's newer states and the digests it wants.
    public static let gossipDigestAck = Verb(rawValue: 11)
    /// Gossip round, step 3: the states the receiver asked for.
    public static let gossipDigestAck2 = Verb(rawValue: 12)
    /// A node announcing that it is shutting down.
    public static let gossipShutdown = Verb(rawValue: 13)

    /// Apply a mutation on a replica.
    public static let mutation = Verb(rawValue: 20)
    /// A single-partition read (data or digest) on a replica.
    public static let read = Verb(rawValue: 21)
    /// A token-range read (filtered scan) on a replica.
    public static let rangeRead = Verb(rawValue: 22)
    /// Replay of a hinted mutation to a replica that was down.
    public static let hint = Verb(rawValue: 23)
    /// Drop all data of a table on a replica.
    public static let truncate = Verb(rawValue: 24)
    /// Store a logged batch in the receiver's batchlog (before its mutations are applied).
    public static let batchStore = Verb(rawValue: 25)
    /// Forget a logged batch whose mutations were all applied (one-way).
    public static let batchRemove = Verb(rawValue: 26)
    /// A filtered scan of a token range, the filter evaluated on the replica (DESIGN §8).
    public static let filteredScan = Verb(rawValue: 27)

    /// Ask a node for its schema.
    public static let schemaPull = Verb(rawValue: 30)
    /// Push a schema change to a node.
    public static let schemaPush = Verb(rawValue: 31)

    /// Every verb this build names, in wire order.
    public static let allNamed: [Verb] = [
        .echo, .gossipDigestSyn, .gossipDigestAck, .gossipDigestAck2, .gossipShutdown,
        .mutation, .read, .rangeRead, .hint, .truncate, .batchStore, .batchRemove, .filteredScan, .schemaPull, .schemaPush,
    ]
}

extension Verb: CustomStringConvertible {
    /// The constant's name (`mutation`), or `verb(<n>)` for a number this build does not name.
    public var description: String {
        switch self {
        case .echo: "echo"
        case .gossipDigestSyn: "gossipDigestSyn"
        case .gossipDigestAck: "gossipDigestAck"
        case .gossipDigestAck2: "gossipDigestAck2"
        case .gossipShutdown: "gossipShutdown"
        case .mutation: "mutation"
        case .read: "read"
        case .rangeRead: "rangeRead"
        case .hint: "hint"
        case .truncate: "truncate"
        case .batchStore: "batchStore"
        case .batchRemove: "batchRemove"
        case .filteredScan: "filteredScan"
        case .schemaPull: "schemaPull"
        case .schemaPush: "schemaPush"
        default: "verb(\(rawValue))"
        }
    }
}
