import KVCore
import Messaging
import Ring
import Testing

@testable import Coordinator

/// Cassandra's choice of batchlog nodes: others of the local datacenter, alive, up to two,
/// from other racks when it can, from two racks when there are several.
@Suite struct BatchlogEndpointsTests {
    /// A view of nodes 1...n, `racks[i]` the rack of node i+1, all in dc1 unless `datacenters` says.
    static func view(racks: [String], datacenters: [String]? = nil, dead: Set<Int> = [], local: Int = 1) throws -> ClusterView {
        var members: [(node: RingNode, tokens: [Token])] = []
        for (index, rack) in racks.enumerated() {
            let node = RingNode(id: host(index + 1), datacenter: datacenters?[index] ?? "dc1", rack: rack)
            members.append((node, [Token(Int64(index * 1000 + 1))]))
        }
        let ring = try TokenRing(members)
        let alive = Set((1...racks.count).filter { !dead.contains($0) }.map(host))
        let addresses = Dictionary(uniqueKeysWithValues: (1...racks.count).map { (host($0), NodeAddress(host: "10.0.0.\($0)", port: 7000)) })
        return ClusterView(ring: ring, addresses: addresses, alive: alive, localHost: host(local),
                           localDatacenter: datacenters?[local - 1] ?? "dc1")
    }

    static func host(_ number: Int) -> HostID { HostID(high: 0xB, low: UInt64(number)) }

    static func choose(_ view: ClusterView, _ level: ConsistencyLevel = .quorum, seed: UInt64 = 1) throws -> Set<HostID> {
        Set(try BatchlogEndpoints.choose(view: view, consistency: level, random: SeededRandomSource(seed: seed)))
    }

    @Test func aSingleNodeDatacenterLogsOnItself() throws {
        #expect(try Self.choose(Self.view(racks: ["r1"])) == [Self.host(1)])
        let twoDatacenters = try Self.view(racks: ["r1", "r1"], datacenters: ["dc1", "dc2"])
        #expect(try Self.choose(twoDatacenters) == [Self.host(1)])
    }

    @Test func upToTwoOtherLiveNodesAreTakenAndNeverTheCoordinator() throws {
        #expect(try Self.choose(Self.view(racks: ["r1", "r1", "r1"])) == [Self.host(2), Self.host(3)])
        #expect(try Self.choose(Self.view(racks: ["r1", "r1", "r1"], dead: [3])) == [Self.host(2)])
        for seed in 0..<20 as Range<UInt64> {
            let chosen = try Self.choose(Self.view(racks: Array(repeating: "r1", count: 6)), seed: seed)
            #expect(chosen.count == 2 && !chosen.contains(Self.host(1)))
        }
    }

    @Test func withNoOtherLiveNodeOnlyAnyLogsLocally() throws {
        let view = try Self.view(racks: ["r1", "r1", "r1"], dead: [2, 3])
        #expect(throws: CoordinatorError.unavailable(.one, required: 1, alive: 0)) { try Self.choose(view, .one) }
        #expect(try Self.choose(view, .any) == [Self.host(1)])
    }

    @Test func otherRacksArePreferredAndTwoRacksAreUsed() throws {
        // Node 1 in r1 with two more r1 nodes, and r2 and r3 one node each.
        let view = try Self.view(racks: ["r1", "r1", "r1", "r2", "r3"])
        for seed in 0..<20 as Range<UInt64> {
            #expect(try Self.choose(view, seed: seed) == [Self.host(4), Self.host(5)])
        }
        // Only one other rack with two nodes: both come from it.
        let oneOther = try Self.view(racks: ["r1", "r1", "r2", "r2"])
        #expect(try Self.choose(oneOther) == [Self.host(3), Self.host(4)])
        // One node in another rack is not enough to leave the local rack out: two racks, one each.
        let mixed = try Self.view(racks: ["r1", "r1", "r1", "r2"])
        for seed in 0..<20 as Range<UInt64> {
            let chosen = try Self.choose(mixed, seed: seed)
            #expect(chosen.contains(Self.host(4)) && chosen.count == 2)
        }
    }
}
