import KVCore
import Testing

@testable import Coordinator

/// The decisions of a digest round, driven by hand: no network, no clock.
@Suite struct DigestReadRoundTests {
    let cluster: TestCluster
    let hosts: [HostID]
    let answer = ReadResponse(partitions: [Fixtures.partition(Fixtures.storageKey(1), rows: [Fixtures.row([1], "v", at: 1)])],
                              isExhausted: true)

    init() throws {
        cluster = try TestCluster(datacenters: ["dc1", "dc1", "dc1"])
        hosts = cluster.nodes.map(\.id)
    }

    /// A round coordinated by node 0 over all three nodes, some of them dead.
    func round(_ consistency: ConsistencyLevel, dead: Set<HostID> = []) throws -> DigestReadRound {
        let view = ClusterView(ring: cluster.ring, addresses: [:], alive: Set(hosts).subtracting(dead),
                               localHost: hosts[0], localDatacenter: "dc1")
        return DigestReadRound(selection: try ReplicaSelection(replicas: hosts, consistency: consistency, view: view,
                                                               replication: try Fixtures.simple(3)),
                               view: view)
    }

    static let timeout = StorageCoordinator.ReadFailure(reason: "timed out", isTimeout: true)

    @Test func dataFromTheClosestAndDigestsFromTheRest() throws {
        var round = try round(.all)
        #expect(round.start() == [.init(replica: hosts[0], request: .data), .init(replica: hosts[1], request: .digest),
                                  .init(replica: hosts[2], request: .digest)])
        round.receive(.digest(.of(answer)), from: hosts[1])
        round.receive(.digest(.of(answer)), from: hosts[2])
        #expect(!round.isComplete, "enough answers, but no data yet")
        round.receive(.data(answer), from: hosts[0])
        #expect(round.isComplete && !round.hasMismatch)
        #expect(round.data?.response == answer)
    }

    @Test func aDifferentDigestIsAMismatchAndEveryoneWhoAnsweredTakesPart() throws {
        var round = try round(.quorum)
        _ = round.start()
        round.receive(.digest(ReadDigest(high: 1, low: 2)), from: hosts[1])
        round.receive(.data(answer), from: hosts[0])
        #expect(round.isComplete && round.hasMismatch)
        #expect(round.participants == [hosts[0], hosts[1]])
    }

    /// A failed data replica is replaced by the next candidate, asked for data.
    @Test func aFailedDataReplicaIsReplacedByADataRead() throws {
        var round = try round(.quorum)
        _ = round.start()
        #expect(round.fail(Self.timeout, from: hosts[0], request: .data) == [.init(replica: hosts[2], request: .data)])
        round.receive(.digest(.of(answer)), from: hosts[1])
        round.receive(.data(answer), from: hosts[2])
        #expect(round.isComplete && !round.hasMismatch)
    }

    /// With no candidate left, a replica asked for a digest is promoted to give the data.
    @Test func withNoCandidateLeftADigestReplicaIsPromoted() throws {
        var round = try round(.quorum)
        _ = round.start()
        #expect(round.fail(Self.timeout, from: hosts[1], request: .digest) == [.init(replica: hosts[2], request: .digest)])
        round.receive(.digest(.of(answer)), from: hosts[2])
        #expect(round.fail(Self.timeout, from: hosts[0], request: .data) == [.init(replica: hosts[2], request: .data)])
        round.receive(.data(answer), from: hosts[2])
        #expect(round.data?.replica == hosts[2])
        #expect(round.answered == [hosts[2]], "one replica counts once")
        #expect(!round.isComplete, "QUORUM needs two")
    }

    /// Found by the simulator (a livelock): a promoted replica that then fails (it crashed
    /// after its digest) is not promoted again; the round gives up instead.
    @Test func aPromotedReplicaThatFailsIsNotAskedAgain() throws {
        var round = try round(.quorum)
        _ = round.start()
        #expect(round.fail(Self.timeout, from: hosts[1], request: .digest) == [.init(replica: hosts[2], request: .digest)])
        round.receive(.digest(.of(answer)), from: hosts[2])
        #expect(round.fail(Self.timeout, from: hosts[0], request: .data) == [.init(replica: hosts[2], request: .data)])
        #expect(round.fail(Self.timeout, from: hosts[2], request: .data) == [])
        #expect(!round.isComplete)
    }

    @Test func speculationAsksForDataWhileTheDataIsLate() throws {
        var round = try round(.one)
        _ = round.start()
        #expect(round.speculate() == [.init(replica: hosts[1], request: .data)])
        round.receive(.data(answer), from: hosts[1])
        #expect(round.isComplete)
    }

    /// A failed digest replica is replaced by a digest read while the data is on its way.
    @Test func aFailedDigestReplicaIsReplacedByADigestRead() throws {
        var round = try round(.quorum)
        _ = round.start()
        #expect(round.fail(Self.timeout, from: hosts[1], request: .digest) == [.init(replica: hosts[2], request: .digest)])
        #expect(round.fail(Self.timeout, from: hosts[2], request: .digest) == [])
        #expect(round.failures.count == 2)
    }

    @Test func speculationAsksForADigestOnceTheDataIsIn() throws {
        var round = try round(.quorum)
        _ = round.start()
        round.receive(.data(answer), from: hosts[0])
        #expect(round.speculate() == [.init(replica: hosts[2], request: .digest)])
        #expect(round.speculate() == [], "no replica left")
        round.receive(.digest(.of(answer)), from: hosts[2])
        #expect(round.isComplete)
    }
}
