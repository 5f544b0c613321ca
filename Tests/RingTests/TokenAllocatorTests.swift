import KVCore
import Ring
import Testing

/// `TokenAllocator`: valid and deterministic tokens, and even primary and effective
/// ownership as nodes join one by one.
@Suite struct TokenAllocatorTests {
    /// The largest relative distance from even ownership the tests allow.
    static let allowedRelativeSpread = 0.10

    /// Nodes `0..<nodeCount` joining one at a time with the allocator's tokens; the ring after
    /// each join. `datacenterOf` places node `index`; racks are r0, r1, r2 in turn unless
    /// `singleRack`.
    static func growRing(nodeCount: Int, allocator: TokenAllocator, seed: UInt64, singleRack: Bool = false,
                         datacenterOf: (Int) -> String = { _ in "dc1" }) throws -> [TokenRing] {
        let random = SeededRandomSource(seed: seed)
        var ring = TokenRing.empty
        var rings: [TokenRing] = []
        for index in 0..<nodeCount {
            let node = RingFixtures.node(index, datacenter: datacenterOf(index), rack: singleRack ? "r0" : "r\(index % 3)")
            ring = try ring.adding(node, tokens: try allocator.tokens(for: node, joining: ring, random: random))
            rings.append(ring)
        }
        return rings
    }

    /// The largest `|ownership / even - 1|` over `nodes` (all of `ownership` by default).
    static func relativeSpread(_ ownership: [HostID: Double], even: Double,
                               nodes: some Sequence<HostID>) -> Double {
        nodes.map { abs(ownership[$0, default: 0] / even - 1) }.max() ?? 0
    }

    @Test func ownershipStaysEvenAsNodesJoinOneByOne() throws {
        let allocator = try TokenAllocator(tokensPerNode: 16, replicationFactor: 3)
        let strategy = try SimpleStrategy(replicationFactor: 3)
        let rings = try Self.growRing(nodeCount: 10, allocator: allocator, seed: 1)
        for (index, ring) in rings.enumerated() {
            let nodeCount = Double(index + 1)
            let primary = Self.relativeSpread(Ownership.primary(in: ring), even: 1 / nodeCount, nodes: ring.nodes.keys)
            let effective = Self.relativeSpread(Ownership.effective(in: ring, strategy: strategy),
                                                even: min(1, 3 / nodeCount), nodes: ring.nodes.keys)
            print("TokenAllocator 16 tokens/node, \(index + 1) nodes: primary ownership spread ±"
                + percent(primary) + ", effective (SimpleStrategy RF 3) spread ±" + percent(effective))
            #expect(primary <= Self.allowedRelativeSpread, "\(index + 1) nodes primary \(primary)")
            #expect(effective <= Self.allowedRelativeSpread, "\(index + 1) nodes effective \(effective)")
        }
    }

    /// Two datacenters growing in turn: each datacenter's tokens are allocated over its own
    /// nodes, so NetworkTopologyStrategy ownership is even within each. One rack per
    /// datacenter: the allocator does not balance racks (with as many racks as replicas,
    /// each rack holds everything, and a rack's nodes share it by their tokens).
    @Test func eachDatacenterStaysEvenOnItsOwn() throws {
        let allocator = try TokenAllocator(tokensPerNode: 16, replicationFactor: 3)
        let strategy = try NetworkTopologyStrategy(["dc1": 3, "dc2": 3])
        let rings = try Self.growRing(nodeCount: 12, allocator: allocator, seed: 2, singleRack: true) { $0 % 2 == 0 ? "dc1" : "dc2" }
        let ring = rings.last!
        let effective = Ownership.effective(in: ring, strategy: strategy)
        for datacenter in ["dc1", "dc2"] {
            let nodes = ring.nodes.values.filter { $0.datacenter == datacenter }.map(\.id)
            let spread = Self.relativeSpread(effective, even: 3.0 / 6, nodes: nodes)
            print("TokenAllocator 2 datacenters x 6 nodes, \(datacenter) effective (NTS 3) spread ±" + percent(spread))
            #expect(spread <= Self.allowedRelativeSpread)
        }
    }

    @Test func tokensAreValidAndDeterministic() throws {
        let allocator = try TokenAllocator(tokensPerNode: 16)
        let first = try Self.growRing(nodeCount: 4, allocator: allocator, seed: 9)
        let again = try Self.growRing(nodeCount: 4, allocator: allocator, seed: 9)
        let other = try Self.growRing(nodeCount: 4, allocator: allocator, seed: 10)
        #expect(first.last!.tokens == again.last!.tokens)
        #expect(first.last!.tokens != other.last!.tokens)
        for ring in first {
            #expect(ring.nodes.keys.allSatisfy { ring.tokens(of: $0).count == 16 })
            #expect(!ring.tokens.contains(.minimum))
        }
    }

    /// Two nodes allocating against the same ring at once (not how joins should go) still
    /// get different tokens, thanks to the jitter.
    @Test func concurrentAllocationsDoNotCollide() throws {
        let allocator = try TokenAllocator(tokensPerNode: 16)
        let ring = try Self.growRing(nodeCount: 3, allocator: allocator, seed: 5).last!
        let first = try allocator.tokens(for: RingFixtures.node(3), joining: ring, random: SeededRandomSource(seed: 6))
        let second = try allocator.tokens(for: RingFixtures.node(4), joining: ring, random: SeededRandomSource(seed: 7))
        #expect(Set(first).isDisjoint(with: second))
        #expect(Set(first).isDisjoint(with: ring.tokens))
        #expect(throws: Never.self) { try ring.adding(RingFixtures.node(3), tokens: first).adding(RingFixtures.node(4), tokens: second) }
    }

    @Test func firstNodeGetsEvenlySpacedTokens() throws {
        let allocator = try TokenAllocator(tokensPerNode: 8)
        let tokens = try allocator.tokens(for: RingFixtures.node(0), joining: .empty,
                                          random: SeededRandomSource(seed: 3))
        let ring = try TokenRing([(RingFixtures.node(0), tokens)])
        for range in ring.ranges { #expect(abs(range.fractionOfRing - 1.0 / 8) < 1e-9) }
    }

    @Test func refusesBadParametersAndKnownNodes() throws {
        #expect(throws: TokenAllocationError.tokensPerNodeOutOfRange(0)) { try TokenAllocator(tokensPerNode: 0) }
        #expect(throws: TokenAllocationError.replicationFactorOutOfRange(0)) {
            try TokenAllocator(replicationFactor: 0)
        }
        let ring = try RingFixtures.ring([[1]])
        #expect(throws: TokenAllocationError.nodeAlreadyOnRing(RingFixtures.id(0))) {
            try TokenAllocator().tokens(for: RingFixtures.node(0), joining: ring, random: SeededRandomSource(seed: 1))
        }
    }
}

/// `fraction` as a percentage with one decimal.
private func percent(_ fraction: Double) -> String {
    let tenths = Int((fraction * 1000).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
}
