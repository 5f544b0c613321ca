import KVCore
import Ring
import Testing

@testable import Coordinator

@Suite struct RingSegmentsTests {
    static func ring(nodes: Int, tokensPerNode: Int, seed: UInt64, datacenters: Int = 1) throws -> TokenRing {
        let random = SeededRandomSource(seed: seed)
        var used: Set<Token> = []
        let members = (0..<nodes).map { index in
            var tokens: [Token] = []
            while tokens.count < tokensPerNode {
                let token = Token(Int64(bitPattern: random.nextUInt64()))
                if token != .minimum, used.insert(token).inserted { tokens.append(token) }
            }
            return (node: RingNode(id: HostID(high: 0, low: UInt64(index + 1)), datacenter: "dc\(index % datacenters)",
                                   rack: "r\(index % 3)"), tokens: tokens)
        }
        return try TokenRing(members)
    }

    static func map(_ ring: TokenRing, factor: Int) throws -> ReplicaMap {
        ReplicaMap(ring: ring, strategy: try SimpleStrategy(replicationFactor: factor))
    }

    /// Storage keys around every ring token and at the ends of the token space, plus random ones.
    static func probeKeys(_ ring: TokenRing, random: SeededRandomSource) -> [[UInt8]] {
        var tokens: [Token] = [Token(Int64.min + 1), .maximum, Token(0)]
        for token in ring.tokens {
            tokens += [token, Token(token.value &- 1), Token(token.value &+ 1)].filter { $0 != .minimum }
        }
        tokens += (0..<300).map { _ in Token(Int64(bitPattern: random.nextUInt64())) }.filter { $0 != .minimum }
        return tokens.flatMap { token in
            [StoragePartitionKey.lowerBound(token), StoragePartitionKey.make(token: token, serializedKey: [0xFF, 0xFF]),
             StoragePartitionKey.make(token: token, serializedKey: [UInt8(truncatingIfNeeded: random.nextUInt64())])]
        }
    }

    static func contains(_ segment: RingSegments.Segment, _ key: [UInt8]) -> Bool {
        (segment.from.map { !key.lexicographicallyPrecedes($0) } ?? true)
            && (segment.to.map { key.lexicographicallyPrecedes($0) } ?? true)
    }

    static func expectContiguous(_ segments: [RingSegments.Segment], from start: [UInt8]?, to end: [UInt8]?) {
        #expect(segments.first?.from == start)
        #expect(segments.last?.to == end)
        for (left, right) in zip(segments, segments.dropFirst()) {
            #expect(left.to != nil && left.to == right.from, "gap or overlap between \(left) and \(right)")
        }
        for segment in segments {
            if let from = segment.from, let to = segment.to {
                #expect(from.lexicographicallyPrecedes(to), "empty segment \(segment)")
            }
            #expect(!segment.replicas.isEmpty)
        }
    }

    @Test(arguments: [(1, 1, 1), (3, 1, 1), (3, 4, 2), (5, 4, 3), (5, 16, 3), (8, 8, 5)])
    func segmentsCoverTheKeySpaceInOrderWithTheirTokensReplicas(nodes: Int, tokensPerNode: Int, factor: Int) throws {
        let ring = try Self.ring(nodes: nodes, tokensPerNode: tokensPerNode, seed: UInt64(nodes * 100 + tokensPerNode))
        let map = try Self.map(ring, factor: factor)
        let segments = RingSegments.segments(of: map)
        Self.expectContiguous(segments, from: nil, to: nil)
        #expect(segments.count <= ring.count + 1)
        for (left, right) in zip(segments, segments.dropFirst()) {
            #expect(left.replicas != right.replicas, "adjacent segments with equal replicas are joined")
        }
        for key in Self.probeKeys(ring, random: SeededRandomSource(seed: 7)) {
            let holders = segments.filter { Self.contains($0, key) }
            #expect(holders.count == 1)
            // A segment's replicas are a set: reads order them by locality themselves.
            #expect(holders.first.map { Set($0.replicas) } == Set(map.replicas(for: StoragePartitionKey.token(of: key))),
                    "key \(key)")
        }
    }

    @Test func knownRingGivesKnownSegments() throws {
        let a = HostID(high: 0, low: 1), b = HostID(high: 0, low: 2), c = HostID(high: 0, low: 3)
        let ring = try TokenRing([
            (RingNode(id: a, datacenter: "dc", rack: "r"), [Token(-100)]),
            (RingNode(id: b, datacenter: "dc", rack: "r"), [Token(0)]),
            (RingNode(id: c, datacenter: "dc", rack: "r"), [Token(100)]),
        ])
        let segments = RingSegments.segments(of: try Self.map(ring, factor: 1))
        let bound = { (value: Int64) in StoragePartitionKey.lowerBound(Token(value)) }
        #expect(segments == [
            RingSegments.Segment(from: nil, to: bound(-99), replicas: [a]),
            RingSegments.Segment(from: bound(-99), to: bound(1), replicas: [b]),
            RingSegments.Segment(from: bound(1), to: bound(101), replicas: [c]),
            RingSegments.Segment(from: bound(101), to: nil, replicas: [a]),
        ])
    }

    @Test func aNodeAtTheMaximumTokenEndsTheLastSegment() throws {
        let a = HostID(high: 0, low: 1), b = HostID(high: 0, low: 2)
        let ring = try TokenRing([
            (RingNode(id: a, datacenter: "dc", rack: "r"), [Token(0)]),
            (RingNode(id: b, datacenter: "dc", rack: "r"), [Token.maximum]),
        ])
        let segments = RingSegments.segments(of: try Self.map(ring, factor: 1))
        #expect(segments == [
            RingSegments.Segment(from: nil, to: StoragePartitionKey.lowerBound(Token(1)), replicas: [a]),
            RingSegments.Segment(from: StoragePartitionKey.lowerBound(Token(1)), to: nil, replicas: [b]),
        ])
        #expect(RingSegments.segments(of: ReplicaMap(ring: .empty, strategy: try SimpleStrategy(replicationFactor: 1))) == [])
    }

    /// With every node a replica of every range, one request per replica set would cover
    /// the whole ring; the segments compare replica lists in order (primary first), so every
    /// vnode stays its own segment.
    @Test
    func equalReplicaSetsAreJoined() throws {
        let ring = try Self.ring(nodes: 3, tokensPerNode: 8, seed: 3)
        let segments = RingSegments.segments(of: try Self.map(ring, factor: 3))
        #expect(segments.count == 1)
        #expect(segments.first?.from == nil && segments.first?.to == nil)
    }

    @Test func segmentsAreJoinedWhenReplicaListsAreEqual() throws {
        // One node owns consecutive tokens: with RF 1 their ranges are one segment.
        let a = HostID(high: 0, low: 1), b = HostID(high: 0, low: 2)
        let ring = try TokenRing([
            (RingNode(id: a, datacenter: "dc", rack: "r"), [Token(-20), Token(-10)]),
            (RingNode(id: b, datacenter: "dc", rack: "r"), [Token(10), Token(20)]),
        ])
        let segments = RingSegments.segments(of: try Self.map(ring, factor: 1))
        #expect(segments.map(\.replicas) == [[a], [b], [a]])
        // One node: one segment over everything.
        let single = try TokenRing([(RingNode(id: a, datacenter: "dc", rack: "r"), [Token(-5), Token(5)])])
        #expect(RingSegments.segments(of: try Self.map(single, factor: 1)) == [RingSegments.Segment(from: nil, to: nil, replicas: [a])])
    }

    @Test(arguments: 0..<10 as Range<UInt64>)
    func clippedSegmentsCoverExactlyTheAskedRange(seed: UInt64) throws {
        let random = SeededRandomSource(seed: 50 + seed)
        let ring = try Self.ring(nodes: 4, tokensPerNode: 4, seed: seed)
        let map = try Self.map(ring, factor: 2)
        let probes = Self.probeKeys(ring, random: random)
        for _ in 0..<20 {
            var from: [UInt8]? = random.chance(0.8) ? probes[random.next(in: 0..<probes.count)] : nil
            var to: [UInt8]? = random.chance(0.8) ? probes[random.next(in: 0..<probes.count)] : nil
            if let low = from, let high = to, high.lexicographicallyPrecedes(low) { (from, to) = (high, low) }
            let clipped = RingSegments.segments(of: map, clippedTo: from, to)
            if let from, let to, from == to {
                #expect(clipped.isEmpty)
                continue
            }
            Self.expectContiguous(clipped, from: from, to: to)
            for key in probes {
                let inside = (from.map { !key.lexicographicallyPrecedes($0) } ?? true)
                    && (to.map { key.lexicographicallyPrecedes($0) } ?? true)
                let holders = clipped.filter { Self.contains($0, key) }
                #expect(holders.count == (inside ? 1 : 0))
                if let holder = holders.first {
                    #expect(Set(holder.replicas) == Set(map.replicas(for: StoragePartitionKey.token(of: key))))
                }
            }
        }
    }
}
