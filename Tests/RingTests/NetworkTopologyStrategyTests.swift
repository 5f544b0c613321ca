import KVCore
import Ring
import Testing

/// `NetworkTopologyStrategy`: rack-aware placement per datacenter, checked against the
/// Python driver, and Cassandra's order (datacenters interleaved in ring order, owner first).
@Suite struct NetworkTopologyStrategyTests {
    /// Our replicas must be the driver's as a set, in the driver's order within each
    /// datacenter, and start with the token's owner when its datacenter replicates.
    static func check(_ actual: [HostID], driver expectedIndices: [Int], ring: TokenRing,
                      strategy: NetworkTopologyStrategy, token: Token) {
        let expected = expectedIndices.map(RingFixtures.id)
        #expect(Set(actual) == Set(expected) && actual.count == expected.count, "token \(token)")
        for datacenter in ["dc1", "dc2", "dc3"] {
            let inDatacenter = { (id: HostID) in ring.nodes[id]?.datacenter == datacenter }
            #expect(actual.filter(inDatacenter) == expected.filter(inDatacenter), "token \(token) \(datacenter)")
        }
        let owner = ring.owner(of: token)!
        if strategy.replicationFactors[ring.nodes[owner]!.datacenter, default: 0] > 0 {
            #expect(actual.first == owner, "token \(token)")
        }
    }

    @Test func matchesTheDriver() throws {
        let ring = try RingFixtures.driverRing()
        let threeTwo = try NetworkTopologyStrategy(["dc1": 3, "dc2": 2])
        let fourThreeTwo = try NetworkTopologyStrategy(["dc1": 4, "dc2": 3, "dc3": 2])
        for expectation in DriverReplicaVectors.expectations {
            let token = Token(expectation.token)
            Self.check(threeTwo.replicas(for: token, in: ring), driver: expectation.networkTopology32,
                       ring: ring, strategy: threeTwo, token: token)
            Self.check(fourThreeTwo.replicas(for: token, in: ring), driver: expectation.networkTopology432,
                       ring: ring, strategy: fourThreeTwo, token: token)
        }
    }

    /// Ring order: 0 (r1), 1 (r1), 2 (r1), 3 (r2), 4 (r3). With factor 3 the rack-r1 nodes
    /// after the first are set aside until r2 and r3 are used.
    @Test func prefersUnusedRacks() throws {
        let racks = ["r1", "r1", "r1", "r2", "r3"]
        let ring = try TokenRing(racks.enumerated().map { index, rack in
            (RingFixtures.node(index, rack: rack), [Token(Int64(index * 10))])
        })
        let strategy = try NetworkTopologyStrategy(["dc1": 3])
        #expect(strategy.replicas(for: Token(0), in: ring) == [0, 3, 4].map(RingFixtures.id))
    }

    /// Two racks, factor 3: once both racks are used the set-aside node comes next, before
    /// later nodes.
    @Test func fillsFromSetAsideNodesOnceEveryRackIsUsed() throws {
        let racks = ["a", "a", "b", "a", "b"]
        let ring = try TokenRing(racks.enumerated().map { index, rack in
            (RingFixtures.node(index, rack: rack), [Token(Int64(index * 10))])
        })
        let strategy = try NetworkTopologyStrategy(["dc1": 3])
        #expect(strategy.replicas(for: Token(0), in: ring) == [0, 2, 1].map(RingFixtures.id))
        #expect(strategy.replicas(for: Token(25), in: ring) == [3, 4, 0].map(RingFixtures.id))
    }

    @Test func interleavesDatacentersInRingOrder() throws {
        let ring = try TokenRing([
            (RingFixtures.node(0, datacenter: "east"), [Token(0)]),
            (RingFixtures.node(1, datacenter: "west"), [Token(10)]),
            (RingFixtures.node(2, datacenter: "east"), [Token(20)]),
            (RingFixtures.node(3, datacenter: "west"), [Token(30)]),
        ])
        let strategy = try NetworkTopologyStrategy(["east": 2, "west": 2])
        #expect(strategy.replicas(for: Token(5), in: ring) == [1, 2, 3, 0].map(RingFixtures.id))
        #expect(strategy.replicationFactor(in: ring) == 4)
    }

    @Test func datacentersWithoutNodesOrFactorGetNothing() throws {
        let ring = try TokenRing([
            (RingFixtures.node(0, datacenter: "east"), [Token(0)]),
            (RingFixtures.node(1, datacenter: "west"), [Token(10)]),
        ])
        let strategy = try NetworkTopologyStrategy(["east": 3, "west": 0, "north": 2])
        #expect(strategy.replicas(for: Token(5), in: ring) == [RingFixtures.id(0)])
        #expect(try NetworkTopologyStrategy([:]).replicas(for: Token(5), in: ring).isEmpty)
    }

    @Test func refusesBadOptions() {
        #expect(throws: ReplicationStrategyError.emptyDatacenterName) { try NetworkTopologyStrategy(["": 1]) }
        #expect(throws: ReplicationStrategyError.replicationFactorOutOfRange(-2)) {
            try NetworkTopologyStrategy(["dc1": -2])
        }
    }
}
