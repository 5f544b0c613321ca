import CQL

extension ProtocolConsistency {
    /// The level's CQL name: `ONE`, `LOCAL_QUORUM`...
    public var name: String {
        switch self {
        case .any: return "ANY"
        case .one: return "ONE"
        case .two: return "TWO"
        case .three: return "THREE"
        case .quorum: return "QUORUM"
        case .all: return "ALL"
        case .localQuorum: return "LOCAL_QUORUM"
        case .eachQuorum: return "EACH_QUORUM"
        case .serial: return "SERIAL"
        case .localSerial: return "LOCAL_SERIAL"
        case .localOne: return "LOCAL_ONE"
        }
    }

    /// The level named `name` (case-insensitive), or nil.
    public init?(name: String) {
        let upper = name.uppercased()
        guard let level = ProtocolConsistency.allCases.first(where: { $0.name == upper }) else { return nil }
        self = level
    }
}
