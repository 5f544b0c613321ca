import KVCore
import Testing

@testable import Coordinator

@Suite struct ConsistencyLevelTests {
    /// One replication layout and the expected blockFor of every level for it.
    struct Case: Sendable, CustomStringConvertible {
        var replicas: [String: Int]
        var local: String
        var quorum: Int
        var all: Int
        var localQuorum: Int
        var eachQuorum: Int
        var description: String { "\(replicas) local \(local)" }
    }

    static let cases: [Case] = [
        Case(replicas: ["dc1": 1], local: "dc1", quorum: 1, all: 1, localQuorum: 1, eachQuorum: 1),
        Case(replicas: ["dc1": 2], local: "dc1", quorum: 2, all: 2, localQuorum: 2, eachQuorum: 2),
        Case(replicas: ["dc1": 3], local: "dc1", quorum: 2, all: 3, localQuorum: 2, eachQuorum: 2),
        Case(replicas: ["dc1": 5], local: "dc1", quorum: 3, all: 5, localQuorum: 3, eachQuorum: 3),
        Case(replicas: ["dc1": 3, "dc2": 2], local: "dc1", quorum: 3, all: 5, localQuorum: 2, eachQuorum: 4),
        Case(replicas: ["dc1": 3, "dc2": 2], local: "dc2", quorum: 3, all: 5, localQuorum: 2, eachQuorum: 4),
        Case(replicas: ["dc1": 3, "dc2": 3], local: "dc2", quorum: 4, all: 6, localQuorum: 2, eachQuorum: 4),
        Case(replicas: ["dc1": 5, "dc2": 1], local: "dc2", quorum: 4, all: 6, localQuorum: 1, eachQuorum: 4),
        Case(replicas: ["dc1": 5, "dc2": 1], local: "dc1", quorum: 4, all: 6, localQuorum: 3, eachQuorum: 4),
    ]

    @Test(arguments: cases)
    func blockForOfEveryLevel(_ layout: Case) {
        func blockFor(_ level: ConsistencyLevel) -> Int {
            level.blockFor(replicasPerDatacenter: layout.replicas, localDatacenter: layout.local)
        }
        #expect(blockFor(.any) == 1)
        #expect(blockFor(.one) == 1)
        #expect(blockFor(.localOne) == 1)
        #expect(blockFor(.two) == 2)
        #expect(blockFor(.three) == 3)
        #expect(blockFor(.quorum) == layout.quorum)
        #expect(blockFor(.serial) == layout.quorum)
        #expect(blockFor(.all) == layout.all)
        #expect(blockFor(.localQuorum) == layout.localQuorum)
        #expect(blockFor(.localSerial) == layout.localQuorum)
        #expect(blockFor(.eachQuorum) == layout.eachQuorum)
    }

    @Test func localLevelsCountOnlyTheLocalDatacenter() {
        let replicas = ["dc1": 5, "dc2": 3]
        #expect(ConsistencyLevel.localQuorum.blockFor(replicasPerDatacenter: replicas, localDatacenter: "dc2") == 2)
        #expect(ConsistencyLevel.localQuorum.blockFor(replicasPerDatacenter: replicas, localDatacenter: "dc1") == 3)
        // A coordinator in a datacenter without replicas still needs one local answer (and
        // will find none: Unavailable).
        #expect(ConsistencyLevel.localQuorum.blockFor(replicasPerDatacenter: replicas, localDatacenter: "dc9") == 1)
        #expect(ConsistencyLevel.localOne.isDatacenterLocal)
        #expect(ConsistencyLevel.localQuorum.isDatacenterLocal)
        #expect(ConsistencyLevel.localSerial.isDatacenterLocal)
        for level in ConsistencyLevel.allCases where ![.localOne, .localQuorum, .localSerial].contains(level) {
            #expect(!level.isDatacenterLocal, "\(level)")
        }
    }

    @Test func wireCodesAndNamesMatchTheNativeProtocol() {
        let expected: [(ConsistencyLevel, UInt16, String)] = [
            (.any, 0, "ANY"), (.one, 1, "ONE"), (.two, 2, "TWO"), (.three, 3, "THREE"), (.quorum, 4, "QUORUM"),
            (.all, 5, "ALL"), (.localQuorum, 6, "LOCAL_QUORUM"), (.eachQuorum, 7, "EACH_QUORUM"),
            (.serial, 8, "SERIAL"), (.localSerial, 9, "LOCAL_SERIAL"), (.localOne, 10, "LOCAL_ONE"),
        ]
        #expect(ConsistencyLevel.allCases.count == expected.count)
        for (level, code, name) in expected {
            #expect(level.rawValue == code)
            #expect(level.description == name)
        }
    }
}
