import Gossip
import Testing

@Suite struct EndpointStateTests {
    let state = EndpointState(
        heartbeat: HeartbeatState(generation: 100, version: 7),
        applicationStates: [
            .status: VersionedValue(value: "NORMAL", version: 2),
            .tokens: VersionedValue(value: "1,2", version: 9),
            .rack: VersionedValue(value: "r1", version: 5),
        ])

    @Test func maxVersionSpansHeartbeatAndStates() {
        #expect(state.maxVersion == 9)
        #expect(EndpointState(heartbeat: HeartbeatState(generation: 1, version: 3)).maxVersion == 3)
    }

    @Test func deltaKeepsTheHeartbeatAndNewerStates() {
        let delta = state.delta(newerThan: 4)
        #expect(delta?.heartbeat == state.heartbeat)
        #expect(delta?.applicationStates.keys.sorted() == [.tokens, .rack].sorted())
        #expect(state.delta(newerThan: 8)?.applicationStates.keys.sorted() == [.tokens])
        #expect(state.delta(newerThan: 0) == state)
        #expect(state.delta(newerThan: 9) == nil)
    }

    @Test func deltaWithOnlyAHeartbeat() {
        let quiet = EndpointState(heartbeat: HeartbeatState(generation: 1, version: 10),
                                  applicationStates: [.rack: VersionedValue(value: "r", version: 2)])
        #expect(quiet.delta(newerThan: 5) == EndpointState(heartbeat: quiet.heartbeat))
    }

    @Test func readsStatusAndTokens() {
        #expect(state.status == .normal)
        #expect(!state.isInDeadState)
        #expect(state.hasTokens)
        #expect(state[.rack] == "r1")
        #expect(state[.datacenter] == nil)
        var left = state
        left.applicationStates[.status] = VersionedValue(value: "LEFT,99", version: 10)
        #expect(left.status == .left(expiryMillis: 99) && left.isInDeadState)
        left.applicationStates[.tokens] = VersionedValue(value: "", version: 11)
        #expect(!left.hasTokens)
    }

    @Test func unknownKeysAreKeptAndNamed() {
        let key = ApplicationStateKey(rawValue: 77)
        #expect(key.description == "unknown(77)")
        #expect(ApplicationStateKey.hostID.description == "hostID")
        #expect(ApplicationStateKey.known.map(\.rawValue) == Array(1...11))
    }
}
