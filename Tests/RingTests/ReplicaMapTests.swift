import KVCore
import Ring
import Testing

/// `ReplicaMap`: the cached replicas equal the strategy's, and ranges per node.
@Suite struct ReplicaMapTests {
    @Test func agreesWithTheStrategyEverywhere() throws {
        let ring = try RingFixtures.driverRing()
        let strategy = try NetworkTopologyStrategy(["dc1": 3, "dc2": 2])
        let map = ReplicaMap(ring: ring, strategy: strategy)
        for expectation in DriverReplicaVectors.expectations {
            let token = Token(expectation.token)
            #expect(map.replicas(for: token) == strategy.replicas(for: token, in: ring))
        }
    }

    @Test func rangesReplicatedByANode() throws {
        let ring = try RingFixtures.ring([[0], [100], [200]])
        let map = ReplicaMap(ring: ring, strategy: try SimpleStrategy(replicationFactor: 2))
        #expect(map.ranges(replicatedBy: RingFixtures.id(1)) == [
            TokenRange(start: Token(200), end: Token(0)), TokenRange(start: Token(0), end: Token(100)),
        ])
        #expect(ReplicaMap(ring: .empty, strategy: try SimpleStrategy(replicationFactor: 1)).replicas(for: Token(1)).isEmpty)
    }
}
