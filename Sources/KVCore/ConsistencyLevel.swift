/// How many replicas must answer before a coordinator answers the client, with Cassandra's
/// meaning and the native protocol's `[consistency]` codes (the CQL codec reads and writes
/// this type directly).
public enum ConsistencyLevel: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case any = 0x0000
    case one = 0x0001
    case two = 0x0002
    case three = 0x0003
    case quorum = 0x0004
    case all = 0x0005
    case localQuorum = 0x0006
    case eachQuorum = 0x0007
    case serial = 0x0008
    case localSerial = 0x0009
    case localOne = 0x000A

    /// The level's CQL name: `ONE`, `LOCAL_QUORUM`...
    public var name: String {
        switch self {
        case .any: "ANY"
        case .one: "ONE"
        case .two: "TWO"
        case .three: "THREE"
        case .quorum: "QUORUM"
        case .all: "ALL"
        case .localQuorum: "LOCAL_QUORUM"
        case .eachQuorum: "EACH_QUORUM"
        case .serial: "SERIAL"
        case .localSerial: "LOCAL_SERIAL"
        case .localOne: "LOCAL_ONE"
        }
    }

    public var description: String { name }

    /// The level named `name` (case-insensitive), or nil.
    public init?(name: String) {
        let upper = name.uppercased()
        guard let level = Self.allCases.first(where: { $0.name == upper }) else { return nil }
        self = level
    }

    /// Whether only replicas in the coordinator's datacenter count.
    public var isDatacenterLocal: Bool { self == .localOne || self == .localQuorum || self == .localSerial }
}
