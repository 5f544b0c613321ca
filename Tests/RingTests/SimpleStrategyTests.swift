import KVCore
import Ring
import Testing

/// `SimpleStrategy`: clockwise distinct owners, checked against the Python driver.
@Suite struct SimpleStrategyTests {
    @Test func matchesTheDriverForFactorsOneToThree() throws {
        let ring = try RingFixtures.driverRing()
        let strategies = try [1, 2, 3].map { try SimpleStrategy(replicationFactor: $0) }
        for expectation in DriverReplicaVectors.expectations {
            let token = Token(expectation.token)
            let expected = [expectation.simple1, expectation.simple2, expectation.simple3]
            for (strategy, indices) in zip(strategies, expected) {
                #expect(strategy.replicas(for: token, in: ring) == indices.map(RingFixtures.id),
                        "token \(expectation.token) RF \(strategy.replicationFactor)")
            }
        }
    }

    @Test func skipsRepeatedOwnersAndWrapsAround() throws {
        // Positions: -100 (0), 0 (0), 100 (1), 200 (0), 300 (2).
        let ring = try RingFixtures.ring([[-100, 0, 200], [100], [300]])
        let strategy = try SimpleStrategy(replicationFactor: 2)
        #expect(strategy.replicas(for: Token(-50), in: ring) == [0, 1].map(RingFixtures.id))
        #expect(strategy.replicas(for: Token(250), in: ring) == [2, 0].map(RingFixtures.id))
        #expect(strategy.replicas(for: Token(150), in: ring) == [0, 2].map(RingFixtures.id))
    }

    @Test func fewerNodesThanTheFactorGivesEveryNode() throws {
        let ring = try RingFixtures.ring([[1, 3], [2]])
        let strategy = try SimpleStrategy(replicationFactor: 5)
        #expect(strategy.replicas(for: Token(0), in: ring) == [0, 1].map(RingFixtures.id))
        #expect(try SimpleStrategy(replicationFactor: 0).replicas(for: Token(0), in: ring).isEmpty)
        #expect(strategy.replicas(for: Token(0), in: .empty).isEmpty)
    }

    @Test func refusesFactorsOutOfRange() {
        #expect(throws: ReplicationStrategyError.replicationFactorOutOfRange(-1)) {
            try SimpleStrategy(replicationFactor: -1)
        }
        #expect(throws: ReplicationStrategyError.self) {
            try SimpleStrategy(replicationFactor: RingLimits.maximumReplicationFactor + 1)
        }
    }
}
