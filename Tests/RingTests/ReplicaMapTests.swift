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

    @Test func membershipQuestionsAgreeWithTheReplicaList() throws {
        let ring = try RingFixtures.ring([[0], [100], [200]])
        for factor in [1, 2] {
            let map = ReplicaMap(ring: ring, strategy: try SimpleStrategy(replicationFactor: factor))
            for raw: Int64 in [-50, 0, 50, 150, 250] {
                let token = Token(raw)
                let replicas = map.replicas(for: token)
                for node in 0..<3 {
                    let host = RingFixtures.id(node)
                    #expect(map.contains(host, forToken: token) == replicas.contains(host))
                    #expect(map.isSoleReplica(host, forToken: token) == (replicas == [host]))
                }
            }
        }
        let empty = ReplicaMap(ring: .empty, strategy: try SimpleStrategy(replicationFactor: 1))
        #expect(!empty.contains(RingFixtures.id(1), forToken: Token(1)))
        #expect(!empty.isSoleReplica(RingFixtures.id(1), forToken: Token(1)))
    }
}
