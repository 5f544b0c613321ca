import KVCore
import Messaging
import Ring
import Testing

@testable import Coordinator

@Suite struct ReplicaSelectionTests {
    /// Nodes 1-3 in dc1, 4-6 in dc2, one token each.
    static func host(_ number: UInt64) -> HostID { HostID(high: 0, low: number) }

    static func view(local: UInt64, dead: Set<UInt64> = []) throws -> ClusterView {
        let members = (1...6 as ClosedRange<UInt64>).map { number in
            (node: RingNode(id: host(number), datacenter: number <= 3 ? "dc1" : "dc2", rack: "r"),
             tokens: [Token(Int64(number) * 1000)])
        }
        let ring = try TokenRing(members)
        let all = Set(members.map(\.node.id))
        return ClusterView(ring: ring, addresses: [:], alive: all.subtracting(dead.map(host)),
                           localHost: host(local), localDatacenter: local <= 3 ? "dc1" : "dc2")
    }

    static func hosts(_ numbers: [UInt64]) -> [HostID] { numbers.map(host) }

    @Test func candidatesAreThisNodeThenItsDatacenterThenTheRestInRingOrder() throws {
        let replicas = Self.hosts([5, 2, 4, 1, 3, 6])
        let selection = try ReplicaSelection(replicas: replicas, consistency: .quorum, view: Self.view(local: 1))
        #expect(selection.candidates == Self.hosts([1, 2, 3, 5, 4, 6]))
        #expect(selection.blockFor == 4)

        let remote = try ReplicaSelection(replicas: replicas, consistency: .one, view: Self.view(local: 4))
        #expect(remote.candidates == Self.hosts([4, 5, 6, 2, 1, 3]))
    }

    /// The read and write paths decide ONE, LOCAL_ONE and ANY on this node without building
    /// a selection; wherever they say yes, the full selection must agree.
    @Test func quickLocalDecisionsAgreeWithTheFullSelection() throws {
        let replicaSets: [[UInt64]] = [[1], [2], [1, 2], [2, 1], [2, 3], [4], [1, 4], [4, 1, 2]]
        for local in [1, 4] as [UInt64] {
            let view = try Self.view(local: local)
            for numbers in replicaSets {
                let replicas = Self.hosts(numbers)
                for consistency in [ConsistencyLevel.one, .localOne, .any, .quorum, .two] {
                    let full = try? ReplicaSelection(replicas: replicas, consistency: consistency, view: view)
                    let context = "local \(local), replicas \(numbers), \(consistency)"
                    if ReplicaSelection.thisNodeSuffices(replicas: replicas, consistency: consistency, view: view) {
                        #expect(full?.thisNodeSuffices(view) == true, "read: \(context)")
                    }
                    if ReplicaSelection.thisNodeAloneSuffices(replicas: replicas, consistency: consistency, view: view) {
                        #expect(full?.isThisNodeAlone(view) == true, "write: \(context)")
                    }
                }
            }
        }
        let view = try Self.view(local: 1)
        #expect(ReplicaSelection.thisNodeSuffices(replicas: Self.hosts([2, 1]), consistency: .one, view: view))
        #expect(!ReplicaSelection.thisNodeSuffices(replicas: Self.hosts([2, 3]), consistency: .one, view: view))
        #expect(ReplicaSelection.thisNodeAloneSuffices(replicas: Self.hosts([1]), consistency: .any, view: view))
        #expect(!ReplicaSelection.thisNodeAloneSuffices(replicas: Self.hosts([2]), consistency: .any, view: view))
        #expect(!ReplicaSelection.thisNodeAloneSuffices(replicas: Self.hosts([1, 2]), consistency: .one, view: view))
    }

    @Test func aCoordinatorThatIsNoReplicaIsNoCandidate() throws {
        let selection = try ReplicaSelection(replicas: Self.hosts([3, 2]), consistency: .all, view: Self.view(local: 1))
        #expect(selection.candidates == Self.hosts([3, 2]))
        #expect(selection.blockFor == 2)
    }

    @Test func deadReplicasAreNoCandidates() throws {
        let selection = try ReplicaSelection(replicas: Self.hosts([1, 2, 3]), consistency: .quorum,
                                             view: Self.view(local: 1, dead: [2]))
        #expect(selection.candidates == Self.hosts([1, 3]))
        #expect(selection.blockFor == 2)
    }

    /// Found by the simulator: a node just restarted knows only itself until gossip reaches
    /// it. With RF 3 it must not acknowledge a QUORUM write with its own copy alone.
    @Test func blockForComesFromTheReplicationFactorNotFromTheKnownRing() throws {
        let alone = try ClusterView(ring: TokenRing([(node: RingNode(id: Self.host(1), datacenter: "dc1", rack: "r"),
                                                      tokens: [Token(1000)])]),
                                    addresses: [:], alive: [Self.host(1)], localHost: Self.host(1), localDatacenter: "dc1")
        let rf3 = KeyspaceReplication(keyspace: "ks", strategy: try SimpleStrategy(replicationFactor: 3))
        #expect(throws: CoordinatorError.unavailable(.quorum, required: 2, alive: 1)) {
            try ReplicaSelection(replicas: [Self.host(1)], consistency: .quorum, view: alone, replication: rf3)
        }
        #expect(throws: CoordinatorError.unavailable(.all, required: 3, alive: 1)) {
            try ReplicaSelection(replicas: [Self.host(1)], consistency: .all, view: alone, replication: rf3)
        }
        #expect(try ReplicaSelection(replicas: [Self.host(1)], consistency: .one, view: alone, replication: rf3).blockFor == 1)
        let topology = KeyspaceReplication(keyspace: "ks", strategy: try NetworkTopologyStrategy(["dc1": 3, "dc2": 3]))
        #expect(throws: CoordinatorError.unavailable(.localQuorum, required: 2, alive: 1)) {
            try ReplicaSelection(replicas: [Self.host(1)], consistency: .localQuorum, view: alone, replication: topology)
        }
    }

    @Test func tooFewAliveIsUnavailable() throws {
        let replicas = Self.hosts([1, 2, 3])
        #expect(throws: CoordinatorError.unavailable(.quorum, required: 2, alive: 1)) {
            try ReplicaSelection(replicas: replicas, consistency: .quorum, view: Self.view(local: 1, dead: [2, 3]))
        }
        #expect(throws: CoordinatorError.unavailable(.all, required: 3, alive: 2)) {
            try ReplicaSelection(replicas: replicas, consistency: .all, view: Self.view(local: 1, dead: [3]))
        }
        #expect(throws: CoordinatorError.unavailable(.two, required: 2, alive: 1)) {
            try ReplicaSelection(replicas: Self.hosts([2]), consistency: .two, view: Self.view(local: 1))
        }
        #expect(throws: CoordinatorError.unavailable(.three, required: 3, alive: 2)) {
            try ReplicaSelection(replicas: Self.hosts([1, 2]), consistency: .three, view: Self.view(local: 1))
        }
        // A keyspace with no replicas at all (replication factor 0).
        #expect(throws: CoordinatorError.unavailable(.one, required: 1, alive: 0)) {
            try ReplicaSelection(replicas: [], consistency: .one, view: Self.view(local: 1))
        }
        // Every replica down: even ONE (and ANY, until hints exist) is unavailable.
        #expect(throws: CoordinatorError.unavailable(.any, required: 1, alive: 0)) {
            try ReplicaSelection(replicas: Self.hosts([2, 3]), consistency: .any, view: Self.view(local: 1, dead: [2, 3]))
        }
    }

    @Test func localLevelsCountAndChooseOnlyTheLocalDatacenter() throws {
        let replicas = Self.hosts([1, 4, 2, 5, 3, 6])
        let localOne = try ReplicaSelection(replicas: replicas, consistency: .localOne, view: Self.view(local: 4))
        #expect(localOne.candidates == Self.hosts([4, 5, 6]))
        #expect(localOne.blockFor == 1)

        let localQuorum = try ReplicaSelection(replicas: replicas, consistency: .localQuorum,
                                               view: Self.view(local: 1, dead: [5, 6]))
        #expect(localQuorum.candidates == Self.hosts([1, 2, 3]))
        #expect(localQuorum.blockFor == 2)

        // Remote replicas alive do not help a local level.
        #expect(throws: CoordinatorError.unavailable(.localQuorum, required: 2, alive: 1)) {
            try ReplicaSelection(replicas: replicas, consistency: .localQuorum, view: Self.view(local: 1, dead: [2, 3]))
        }
        #expect(throws: CoordinatorError.unavailable(.localOne, required: 1, alive: 0)) {
            try ReplicaSelection(replicas: Self.hosts([4, 5]), consistency: .localOne, view: Self.view(local: 1))
        }
    }

    @Test func eachQuorumIsUnavailableWhenAnyDatacenterLacksAQuorum() throws {
        let replicas = Self.hosts([1, 4, 2, 5, 3, 6])
        let healthy = try ReplicaSelection(replicas: replicas, consistency: .eachQuorum, view: Self.view(local: 1))
        #expect(healthy.blockFor == 4)
        // 4 alive in total (enough for blockFor 4) but dc2 has only one.
        #expect(throws: CoordinatorError.unavailable(.eachQuorum, required: 2, alive: 1)) {
            try ReplicaSelection(replicas: replicas, consistency: .eachQuorum, view: Self.view(local: 1, dead: [5, 6]))
        }
        #expect(throws: CoordinatorError.unavailable(.eachQuorum, required: 2, alive: 1)) {
            try ReplicaSelection(replicas: replicas, consistency: .eachQuorum, view: Self.view(local: 4, dead: [2, 3]))
        }
    }

    /// `ClusterView` takes the local datacenter apart from the ring; when they disagree (a
    /// node whose ring entry still names its old datacenter), this node is both "local" and
    /// "other", so it is a candidate twice and its one acknowledgement counts twice.
    @Test
    func theLocalHostIsACandidateOnce() throws {
        let ringView = try Self.view(local: 1)
        let view = ClusterView(ring: ringView.ring, addresses: ringView.addresses, alive: ringView.alive,
                               localHost: ringView.localHost, localDatacenter: "dc2")
        let selection = try ReplicaSelection(replicas: Self.hosts([1, 2, 4]), consistency: .all, view: view)
        #expect(selection.candidates.count == 3)
        #expect(Set(selection.candidates).count == selection.candidates.count)
    }
}
