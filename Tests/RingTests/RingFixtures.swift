import KVCore
import Ring

/// Small builders shared by the ring tests.
enum RingFixtures {
    /// Node `index` (ids 1, 2, ...; `HostID(high: 0, low: index + 1)`).
    static func id(_ index: Int) -> HostID { HostID(high: 0, low: UInt64(index + 1)) }

    static func node(_ index: Int, datacenter: String = "dc1", rack: String = "r1") -> RingNode {
        RingNode(id: id(index), datacenter: datacenter, rack: rack)
    }

    /// A one-datacenter ring: node `index` holds `tokens[index]`.
    static func ring(_ tokens: [[Int64]]) throws -> TokenRing {
        try TokenRing(tokens.enumerated().map { index, values in (node(index), values.map(Token.init)) })
    }

    /// The ring of `DriverReplicaVectors.nodes`.
    static func driverRing() throws -> TokenRing {
        try TokenRing(DriverReplicaVectors.nodes.enumerated().map { index, entry in
            (node(index, datacenter: entry.datacenter, rack: entry.rack), entry.tokens.map(Token.init))
        })
    }
}
