import KVCore
import Ring
import Testing

/// `Ownership`: primary and effective fractions of the ring.
@Suite struct OwnershipTests {
    /// Node 0 owns (-2^62, 0] = 1/4, node 1 owns (0, 2^62] = 1/4, node 2 the other half.
    static func quarterRing() throws -> TokenRing {
        try RingFixtures.ring([[0], [1 << 62], [-(1 << 62)]])
    }

    @Test func primaryOwnershipIsTheRangesEachNodeEnds() throws {
        let ownership = Ownership.primary(in: try Self.quarterRing())
        #expect(ownership == [RingFixtures.id(0): 0.25, RingFixtures.id(1): 0.25, RingFixtures.id(2): 0.5])
    }

    @Test func effectiveOwnershipCountsEveryReplica() throws {
        let ring = try Self.quarterRing()
        let two = Ownership.effective(in: ring, strategy: try SimpleStrategy(replicationFactor: 2))
        // Ranges: (-2^62, 0] -> 0, 1; (0, 2^62] -> 1, 2; (2^62, -2^62] -> 2, 0.
        #expect(two == [RingFixtures.id(0): 0.75, RingFixtures.id(1): 0.5, RingFixtures.id(2): 0.75])
        let three = Ownership.effective(in: ring, strategy: try SimpleStrategy(replicationFactor: 3))
        #expect(three.values.allSatisfy { $0 == 1 })
    }

    @Test func effectiveOwnershipSumsToTheReplicasPlaced() throws {
        let ring = try RingFixtures.driverRing()
        let strategy = try NetworkTopologyStrategy(["dc1": 3, "dc2": 2])
        let effective = Ownership.effective(in: ring, strategy: strategy)
        let byDatacenter = Dictionary(grouping: effective) { ring.nodes[$0.key]!.datacenter }
            .mapValues { $0.map(\.value).reduce(0, +) }
        #expect(abs(byDatacenter["dc1"]! - 3) < 1e-9)
        #expect(abs(byDatacenter["dc2"]! - 2) < 1e-9)
        #expect(byDatacenter["dc3"] == 0)
        #expect(abs(Ownership.primary(in: ring).values.reduce(0, +) - 1) < 1e-9)
    }
}
