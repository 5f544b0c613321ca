import KVCore
import Ring
import Testing

/// `PendingRanges`: what joining and leaving nodes gain, and where writes must go.
@Suite struct PendingRangesTests {
    static let ids = (0..<4).map(RingFixtures.id)

    /// Nodes 0, 1, 2 at tokens 0, 100, 200.
    static func threeNodes() throws -> TokenRing { try RingFixtures.ring([[0], [100], [200]]) }

    /// Node 3 joins at 50 with RF 2: it will replicate (0, 50] (as primary) and (200, 0]
    /// (as second replica), merged to (200, 50].
    @Test func joiningNodeIsPendingForWhatItWillReplicate() throws {
        let pending = try PendingRanges(current: Self.threeNodes(), joining: [(RingFixtures.node(3), [Token(50)])],
                                        strategy: try SimpleStrategy(replicationFactor: 2))
        #expect(pending.pendingRanges(of: Self.ids[3]) == [TokenRange(start: Token(200), end: Token(50))])
        #expect(pending.pendingReplicas(for: Token(25)) == [Self.ids[3]])
        #expect(pending.writeReplicas(for: Token(25)) == [Self.ids[1], Self.ids[2], Self.ids[3]])
        #expect(pending.writeReplicas(for: Token(250)) == [Self.ids[0], Self.ids[1], Self.ids[3]])
        #expect(pending.writeReplicas(for: Token(75)) == [Self.ids[1], Self.ids[2]])
        #expect(pending.pendingReplicas(for: Token(150)).isEmpty)
        #expect(pending.pendingRanges(of: Self.ids[0]).isEmpty)
        #expect(!pending.isEmpty)
    }

    /// Node 1 (token 100) leaves with RF 2: node 2 takes over (200, 0] and node 0 takes
    /// over (0, 100]; the leaving node still gets writes as a natural replica.
    @Test func leavingNodesSuccessorsArePending() throws {
        let pending = try PendingRanges(current: Self.threeNodes(), leaving: [Self.ids[1]],
                                        strategy: try SimpleStrategy(replicationFactor: 2))
        #expect(pending.pendingRanges(of: Self.ids[2]) == [TokenRange(start: Token(200), end: Token(0))])
        #expect(pending.pendingRanges(of: Self.ids[0]) == [TokenRange(start: Token(0), end: Token(100))])
        #expect(pending.pendingRanges(of: Self.ids[1]).isEmpty)
        #expect(pending.writeReplicas(for: Token(50)) == [Self.ids[1], Self.ids[2], Self.ids[0]])
        #expect(pending.writeReplicas(for: Token(150)) == [Self.ids[2], Self.ids[0]])
    }

    @Test func nothingIsPendingWithoutChanges() throws {
        let pending = try PendingRanges(current: Self.threeNodes(), strategy: try SimpleStrategy(replicationFactor: 3))
        #expect(pending.isEmpty)
        #expect(pending.writeReplicas(for: Token(5)) == pending.natural.replicas(for: Token(5)))
        let empty = try PendingRanges(current: .empty, strategy: try SimpleStrategy(replicationFactor: 3))
        #expect(empty.writeReplicas(for: Token(5)).isEmpty)
    }

    /// For a node joining a realistic ring, writes during the join cover both the replicas
    /// of before and those of after, and pending is exactly what is new.
    @Test func writesCoverBothRingsDuringAJoin() throws {
        let allocator = try TokenAllocator(tokensPerNode: 8)
        let random = SeededRandomSource(seed: 4)
        let ring = try RingFixtures.driverRing()
        let joiner = RingFixtures.node(20, datacenter: "dc2", rack: "r2")
        let tokens = try allocator.tokens(for: joiner, joining: ring, random: random)
        let after = try ring.adding(joiner, tokens: tokens)
        let strategy = try NetworkTopologyStrategy(["dc1": 3, "dc2": 2])
        let pending = try PendingRanges(current: ring, joining: [(joiner, tokens)], strategy: strategy)
        for index in 0..<500 {
            let token = index < after.count ? after.tokens[index] : Token(Int64(bitPattern: random.nextUInt64()))
            let before = strategy.replicas(for: token, in: ring)
            let future = strategy.replicas(for: token, in: after)
            let writes = pending.writeReplicas(for: token)
            #expect(Set(writes) == Set(before).union(future), "token \(token)")
            #expect(pending.pendingReplicas(for: token) == future.filter { !before.contains($0) })
        }
        #expect(Set(pending.pendingRanges(of: joiner.id).flatMap { [$0.start, $0.end] }).isSubset(of: after.tokens))
    }

    /// A leave in a multi-datacenter ring: pending nodes are the new replicas, all in the
    /// leaving node's datacenter.
    @Test func leaveInOneDatacenterOnlyMovesThatDatacenter() throws {
        let ring = try RingFixtures.driverRing()
        let leaving = RingFixtures.id(8)
        let strategy = try NetworkTopologyStrategy(["dc1": 3, "dc2": 2])
        let pending = try PendingRanges(current: ring, leaving: [leaving], strategy: strategy)
        let after = ring.removing(leaving)
        for expectation in DriverReplicaVectors.expectations {
            let token = Token(expectation.token)
            let gained = pending.pendingReplicas(for: token)
            #expect(gained.allSatisfy { ring.nodes[$0]!.datacenter == "dc2" })
            #expect(Set(gained) == Set(strategy.replicas(for: token, in: after))
                .subtracting(strategy.replicas(for: token, in: ring)))
        }
    }

    @Test func refusesClashingJoiners() throws {
        let ring = try Self.threeNodes()
        let strategy = try SimpleStrategy(replicationFactor: 2)
        #expect(throws: TokenRingError.duplicateNode(Self.ids[0])) {
            try PendingRanges(current: ring, joining: [(RingFixtures.node(0), [Token(7)])], strategy: strategy)
        }
        #expect(throws: TokenRingError.duplicateToken(Token(100), first: Self.ids[1], second: Self.ids[3])) {
            try PendingRanges(current: ring, joining: [(RingFixtures.node(3), [Token(100)])], strategy: strategy)
        }
    }
}
