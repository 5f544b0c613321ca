/// How many replicas must answer before the coordinator answers the client, with
/// Cassandra's meaning and the native protocol's codes.
public enum ConsistencyLevel: UInt16, Sendable, CaseIterable, CustomStringConvertible {
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

    public var description: String {
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

    /// Whether only replicas in the coordinator's datacenter count.
    public var isDatacenterLocal: Bool { self == .localOne || self == .localQuorum || self == .localSerial }

    /// The replica acknowledgements needed, given the replicas of a token per datacenter.
    ///
    /// ANY counts as ONE here (a hint would satisfy it; hints come with the next layer).
    /// EACH_QUORUM needs a quorum in every datacenter; the total is returned and
    /// `ReplicaPlan` checks each datacenter.
    public func blockFor(replicasPerDatacenter: [String: Int], localDatacenter: String) -> Int {
        let total = replicasPerDatacenter.values.reduce(0, +)
        let local = replicasPerDatacenter[localDatacenter] ?? 0
        switch self {
        case .any, .one, .localOne: return 1
        case .two: return 2
        case .three: return 3
        case .quorum, .serial: return total / 2 + 1
        case .all: return total
        case .localQuorum, .localSerial: return local / 2 + 1
        case .eachQuorum: return replicasPerDatacenter.values.reduce(0) { $0 + $1 / 2 + 1 }
        }
    }
}
