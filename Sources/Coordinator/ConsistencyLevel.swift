import KVCore

extension ConsistencyLevel {
    /// The replica acknowledgements needed, given the replicas of a token per datacenter.
    ///
    /// ANY counts as ONE (the coordinator accepts hints alone only when no replica is
    /// alive). EACH_QUORUM needs a quorum in every datacenter; the total is returned and
    /// `ReplicaSelection` checks each datacenter.
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
