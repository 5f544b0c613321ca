import KVCore
import Ring
import Testing

/// `TokenRing`: construction checks, lookups (exact tokens, between, wrap-around), ranges,
/// clockwise walks, and adding/removing nodes.
@Suite struct TokenRingTests {
    /// Node 0: -100, 300; node 1: 0; node 2: 200.
    static func smallRing() throws -> TokenRing { try RingFixtures.ring([[-100, 300], [0], [200]]) }

    @Test func tokensAreSortedWithTheirOwners() throws {
        let ring = try Self.smallRing()
        #expect(ring.tokens == [-100, 0, 200, 300].map(Token.init))
        #expect(ring.owners == [0, 1, 2, 0].map(RingFixtures.id))
        #expect(ring.count == 4 && !ring.isEmpty && ring.nodes.count == 3)
        #expect(ring.tokens(of: RingFixtures.id(0)) == [Token(-100), Token(300)])
    }

    @Test func lookupFindsTheFirstTokenAtOrAfter() throws {
        let ring = try Self.smallRing()
        let expectations: [(Int64, Int)] = [
            (-100, 0), (-99, 1), (0, 1), (1, 2), (200, 2), (201, 3), (300, 3), (-101, 0),
        ]
        for (token, index) in expectations {
            #expect(ring.index(owning: Token(token)) == index, "token \(token)")
        }
    }

    @Test func lookupWrapsPastTheLastToken() throws {
        let ring = try Self.smallRing()
        #expect(ring.index(owning: Token(301)) == 0)
        #expect(ring.index(owning: .maximum) == 0)
        #expect(ring.index(owning: .minimum) == 0)
        #expect(ring.owner(of: .maximum) == RingFixtures.id(0))
        #expect(ring.owner(of: Token(250)) == RingFixtures.id(0))
        #expect(ring.owner(of: Token(150)) == RingFixtures.id(2))
    }

    @Test func eachTokenOwnsTheRangeFromItsPredecessor() throws {
        let ring = try Self.smallRing()
        #expect(ring.range(at: 0) == TokenRange(start: Token(300), end: Token(-100)))
        #expect(ring.range(at: 2) == TokenRange(start: Token(0), end: Token(200)))
        for (index, range) in ring.ranges.enumerated() {
            #expect(range.contains(ring.tokens[index]))
            #expect(ring.index(owning: ring.tokens[index]) == index)
        }
        let total = ring.ranges.map(\.fractionOfRing).reduce(0, +)
        #expect(abs(total - 1) < 1e-12)
    }

    @Test func singleTokenOwnsTheWholeRing() throws {
        let ring = try RingFixtures.ring([[42]])
        #expect(ring.range(at: 0).isFullRing)
        #expect(ring.owner(of: .minimum) == RingFixtures.id(0) && ring.owner(of: .maximum) == RingFixtures.id(0))
    }

    @Test func clockwiseWalkWrapsAround() throws {
        let ring = try Self.smallRing()
        #expect(Array(ring.positionsClockwise(from: 2)) == [2, 3, 0, 1])
        #expect(ring.nextIndex(after: 3) == 0 && ring.previousIndex(before: 0) == 3)
        #expect(Array(TokenRing.empty.positionsClockwise(from: 0)).isEmpty)
        #expect(TokenRing.empty.owner(of: Token(1)) == nil)
    }

    @Test func refusesInvalidTokens() throws {
        #expect(throws: TokenRingError.duplicateToken(Token(5), first: RingFixtures.id(0), second: RingFixtures.id(1))) {
            try RingFixtures.ring([[5], [5]])
        }
        #expect(throws: TokenRingError.minimumTokenNotAllowed(RingFixtures.id(0))) {
            try RingFixtures.ring([[Int64.min]])
        }
        #expect(throws: TokenRingError.noTokens(RingFixtures.id(1))) { try RingFixtures.ring([[1], []]) }
        let node = RingFixtures.node(0)
        #expect(throws: TokenRingError.duplicateNode(node.id)) {
            try TokenRing([(node, [Token(1)]), (node, [Token(2)])])
        }
        let tooMany = (0...RingLimits.maximumTokensPerNode).map { Token(Int64($0)) }
        #expect(throws: TokenRingError.tooManyTokens(node.id, count: tooMany.count)) {
            try TokenRing([(node, tooMany)])
        }
    }

    @Test func addingAndRemovingNodes() throws {
        let ring = try Self.smallRing()
        let grown = try ring.adding(RingFixtures.node(3), tokens: [Token(100)])
        #expect(grown.owner(of: Token(50)) == RingFixtures.id(3))
        #expect(grown.count == 5)
        let shrunk = grown.removing(RingFixtures.id(0))
        #expect(shrunk.tokens == [0, 100, 200].map(Token.init))
        #expect(shrunk.node(RingFixtures.id(0)) == nil && shrunk.nodes.count == 3)
        #expect(try TokenRing(shrunk.members).tokens == shrunk.tokens)
        #expect(throws: TokenRingError.self) { try ring.adding(RingFixtures.node(3), tokens: [Token(0)]) }
    }

    @Test func datacenterSummariesAndRestriction() throws {
        let ring = try RingFixtures.driverRing()
        #expect(ring.datacenters["dc1"] == DatacenterSummary(nodeCount: 6, rackCount: 3))
        #expect(ring.datacenters["dc2"] == DatacenterSummary(nodeCount: 4, rackCount: 2))
        #expect(ring.datacenters["dc3"] == DatacenterSummary(nodeCount: 1, rackCount: 1))
        let second = ring.restricted(toDatacenter: "dc2")
        #expect(second.nodes.count == 4 && second.count == 16)
        #expect(second.nodes.values.allSatisfy { $0.datacenter == "dc2" })
    }
}
