import Gossip
import KVCore
import Testing

/// Syn/Ack/Ack2 handling and state merging, with explicit times and seeded randomness.
@Suite struct GossiperTests {
    typealias Support = GossipTestSupport
    let now = GossipTestSupport.startMillis
    let a = GossipTestSupport.endpoint(1)
    let b = GossipTestSupport.endpoint(2)
    let c = GossipTestSupport.endpoint(3)

    @Test func startsWithItsOwnStateOnly() {
        let gossiper = Support.gossiper(1)
        #expect(gossiper.knownEndpoints == [a])
        #expect(gossiper.localState.heartbeat == HeartbeatState(generation: Support.generation, version: 0))
        #expect(gossiper.localState[.hostID] == "host-1")
        // Initial states take versions 1...5 in key order.
        #expect(gossiper.localState.applicationStates.values.map(\.version).sorted() == [1, 2, 3, 4, 5])
        #expect(gossiper.localState.applicationStates[.status]?.version == 1)
        #expect(gossiper.isAlive(a))
        #expect(!gossiper.isAlive(b))
        #expect(gossiper.liveEndpoints.isEmpty && gossiper.unreachableEndpoints.isEmpty)
    }

    @Test func tickBumpsTheHeartbeatFromTheSharedCounter() {
        var gossiper = Support.gossiper(1)
        _ = gossiper.tick(nowMillis: now)
        #expect(gossiper.localState.heartbeat.version == 6)
        gossiper.setApplicationState(.load, "42")
        #expect(gossiper.localState.applicationStates[.load]?.version == 7)
        _ = gossiper.tick(nowMillis: now + 1000)
        #expect(gossiper.localState.heartbeat.version == 8)
        #expect(gossiper.localState.maxVersion == 8)
    }

    @Test func oneRoundTeachesBothSidesEverything() {
        var alpha = Support.gossiper(1)
        var beta = Support.gossiper(2, seeds: [a])
        let (betaEvents, alphaEvents) = Support.exchange(&beta, &alpha, nowMillis: now)
        #expect(betaEvents == [.joined(a, alpha.localState), .markedUp(a)])
        #expect(alphaEvents == [.joined(b, beta.localState), .markedUp(b)])
        #expect(alpha.endpointStates == beta.endpointStates)
        #expect(alpha.liveEndpoints == [b] && beta.liveEndpoints == [a])
    }

    @Test func aSynIsAnsweredWithDeltasAndRequests() {
        var alpha = Support.gossiper(1)
        var beta = Support.gossiper(2, seeds: [a])
        Support.exchange(&beta, &alpha, nowMillis: now)
        alpha.setApplicationState(.load, "1000")
        _ = beta.tick(nowMillis: now + 1000)   // beta is now ahead on its own heartbeat
        let syn = GossipSyn(clusterName: "Test Cluster", digests: [
            GossipDigest(endpoint: a, generation: Support.generation, maxVersion: 5),
            GossipDigest(endpoint: b, generation: Support.generation, maxVersion: beta.localState.maxVersion),
            GossipDigest(endpoint: c, generation: 77, maxVersion: 3),
        ])
        let answer = Support.sends(alpha.receive(.syn(syn), from: b, nowMillis: now + 1000))
        #expect(answer.count == 1 && answer[0].target == b)
        guard case .ack(let ack) = answer[0].message else { Issue.record("expected an Ack"); return }
        #expect(ack.requests == [
            GossipDigest(endpoint: b, generation: Support.generation, maxVersion: alpha.endpointStates[b]!.maxVersion),
            GossipDigest(endpoint: c, generation: 77, maxVersion: 0),
        ])
        // Only alpha's states newer than version 5: the load.
        #expect(ack.states == [a: alpha.localState.delta(newerThan: 5)!])
        #expect(ack.states[a]?.applicationStates.keys.sorted() == [.load])
    }

    @Test func theAck2CarriesWhatWasRequested() {
        var alpha = Support.gossiper(1)
        _ = alpha.tick(nowMillis: now)
        let full = alpha.localState
        let ack = GossipAck(requests: [
            GossipDigest(endpoint: a, generation: Support.generation, maxVersion: 0),        // everything
            GossipDigest(endpoint: c, generation: 1, maxVersion: 0),                         // unknown here
        ], states: [:])
        let sends = Support.sends(alpha.receive(.ack(ack), from: b, nowMillis: now))
        #expect(sends.map(\.target) == [b])
        #expect(sends.first?.message == .ack2(GossipAck2(states: [a: full])))

        let deltaRequest = GossipAck(requests: [GossipDigest(endpoint: a, generation: Support.generation, maxVersion: 4)], states: [:])
        let delta = Support.sends(alpha.receive(.ack(deltaRequest), from: b, nowMillis: now)).first?.message
        #expect(delta == .ack2(GossipAck2(states: [a: full.delta(newerThan: 4)!])))

        let olderGeneration = GossipAck(requests: [GossipDigest(endpoint: a, generation: 5, maxVersion: 99)], states: [:])
        let everything = Support.sends(alpha.receive(.ack(olderGeneration), from: b, nowMillis: now)).first?.message
        #expect(everything == .ack2(GossipAck2(states: [a: full])))
    }

    @Test func changedStatesSpreadAsStateChanges() {
        var alpha = Support.gossiper(1)
        var beta = Support.gossiper(2, seeds: [a])
        Support.exchange(&beta, &alpha, nowMillis: now)
        alpha.setApplicationState(.load, "123456")
        alpha.setStatus(.leaving)
        let (_, betaEvents) = Support.exchange(&alpha, &beta, nowMillis: now + 1000)
        let load = alpha.localState.applicationStates[.load]!
        let status = alpha.localState.applicationStates[.status]!
        #expect(betaEvents == [.stateChanged(a, .status, status), .stateChanged(a, .load, load)])
        #expect(beta.endpointStates[a] == alpha.localState)
        #expect(beta.endpointStates[a]?.status == .leaving)
    }

    @Test func aNewerGenerationReplacesTheWholeState() {
        var alpha = Support.gossiper(1)
        var beta = Support.gossiper(2, seeds: [a])
        Support.exchange(&beta, &alpha, nowMillis: now)
        #expect(beta.endpointStates[a]?[.rack] == "rack1")

        var reborn = Support.gossiper(1, generation: Support.generation + 60, seeds: [b], states: [.datacenter: "dc2"])
        let (_, betaEvents) = Support.exchange(&reborn, &beta, nowMillis: now + 60_000)
        #expect(betaEvents == [.restarted(a, reborn.localState)])
        #expect(beta.endpointStates[a] == reborn.localState)
        #expect(beta.endpointStates[a]?[.rack] == nil, "nothing of the old generation survives")
        #expect(beta.isAlive(a))
    }

    @Test func anOlderGenerationIsIgnored() {
        var beta = Support.gossiper(2)
        let current = Support.state(generation: 2000, heartbeat: 10, [.rack: VersionedValue(value: "r1", version: 3)])
        _ = beta.receive(.ack2(GossipAck2(states: [a: current])), from: a, nowMillis: now)
        let stale = Support.state(generation: 1000, heartbeat: 500, [.rack: VersionedValue(value: "r0", version: 400)])
        #expect(beta.receive(.ack2(GossipAck2(states: [a: stale])), from: c, nowMillis: now).isEmpty)
        #expect(beta.endpointStates[a] == current)
    }

    @Test func versionsMergeKeyByKeyInAnyOrder() {
        let base = Support.state(heartbeat: 10, [.rack: VersionedValue(value: "r1", version: 2),
                                                  .load: VersionedValue(value: "1", version: 3)])
        let first = Support.state(heartbeat: 12, [.load: VersionedValue(value: "2", version: 11)])
        let second = Support.state(heartbeat: 11, [.rack: VersionedValue(value: "r2", version: 9),
                                                    .load: VersionedValue(value: "stale", version: 5)])
        func merged(_ deltas: [EndpointState]) -> EndpointState? {
            var beta = Support.gossiper(2)
            for delta in [base] + deltas {
                _ = beta.receive(.ack2(GossipAck2(states: [a: delta])), from: a, nowMillis: now)
            }
            return beta.endpointStates[a]
        }
        let expected = Support.state(heartbeat: 12, [.rack: VersionedValue(value: "r2", version: 9),
                                                      .load: VersionedValue(value: "2", version: 11)])
        #expect(merged([first, second]) == expected)
        #expect(merged([second, first]) == expected)
    }

    @Test func aSynFromAnotherClusterIsIgnored() {
        var alpha = Support.gossiper(1)
        let digests = [GossipDigest(endpoint: b, generation: 1, maxVersion: 1)]
        #expect(alpha.receive(.syn(GossipSyn(clusterName: "Other Cluster", digests: digests)), from: b, nowMillis: now).isEmpty)
        #expect(!alpha.receive(.syn(GossipSyn(clusterName: "Test Cluster", digests: digests)), from: b, nowMillis: now).isEmpty)
    }

    @Test func nobodyElseWritesTheLocalState() {
        var alpha = Support.gossiper(1)
        let forged = Support.state(generation: Support.generation + 1, heartbeat: 99, [.status: VersionedValue(value: "LEFT,0", version: 99)])
        #expect(alpha.receive(.ack2(GossipAck2(states: [a: forged])), from: b, nowMillis: now).isEmpty)
        #expect(alpha.localState.status == .normal)
        // A digest claiming a newer local generation is not requested either.
        let syn = GossipSyn(clusterName: "Test Cluster", digests: [GossipDigest(endpoint: a, generation: Support.generation + 1, maxVersion: 1)])
        for (message, _) in Support.sends(alpha.receive(.syn(syn), from: b, nowMillis: now)) {
            if case .ack(let ack) = message { #expect(ack.requests.isEmpty) }
        }
    }

    @Test func implausiblyNewGenerationsAreRejected() {
        var beta = Support.gossiper(2)
        let farFuture = now / 1000 + 2 * 365 * 86_400
        #expect(beta.receive(.ack2(GossipAck2(states: [a: Support.state(generation: farFuture, heartbeat: 1)])),
                             from: a, nowMillis: now).isEmpty)
        #expect(beta.endpointStates[a] == nil)
    }

    @Test func acksStayWithinTheMessageLimitAndTheRestFollows() throws {
        var configuration = GossipConfiguration()
        configuration.maxMessageSizeBytes = 2000
        var hub = Support.gossiper(1, configuration: configuration)
        let bigValue = String(repeating: "x", count: 400)
        for index in 10..<30 {
            let state = Support.state(heartbeat: 1, [.tokens: VersionedValue(value: bigValue, version: 1)])
            _ = hub.receive(.ack2(GossipAck2(states: [Support.endpoint(index): state])), from: Support.endpoint(index), nowMillis: now)
        }
        var newcomer = Support.gossiper(2, seeds: [a], configuration: configuration)
        var rounds = 0
        while newcomer.knownEndpoints.count < 22 && rounds < 20 {
            rounds += 1
            // Whoever the tick picked, the hub answers: the other endpoints are not running.
            let tickActions = newcomer.tick(nowMillis: now + Int64(rounds) * 1000)
            if let message = Support.sends(tickActions).first?.message {
                let answer = hub.receive(message, from: b, nowMillis: now)
                for (reply, _) in Support.sends(answer) {
                    let bytes = reply.encode()
                    #expect(bytes.count <= 2000)
                    let decoded = try GossipMessage.decode(bytes, configuration: configuration)
                    for (ack2, _) in Support.sends(newcomer.receive(decoded, from: a, nowMillis: now)) {
                        #expect(ack2.encode().count <= 2000)
                        _ = hub.receive(ack2, from: b, nowMillis: now)
                    }
                }
            }
        }
        print("[gossip] 20 endpoints of ~420 bytes through 2000-byte Acks: learned in \(rounds) rounds")
        #expect(newcomer.knownEndpoints.count == 22)
        #expect(rounds >= 4, "did not fit in one message")
    }

    @Test func synsStayWithinTheMessageLimit() throws {
        var configuration = GossipConfiguration()
        configuration.maxMessageSizeBytes = 200
        var hub = Support.gossiper(1, configuration: configuration)
        for index in 10..<60 {
            _ = hub.receive(.ack2(GossipAck2(states: [Support.endpoint(index): Support.state(heartbeat: 1)])),
                            from: Support.endpoint(index), nowMillis: now)
        }
        var covered: Set<GossipEndpoint> = []
        for round in 0..<60 {
            for (message, _) in Support.sends(hub.tick(nowMillis: now + Int64(round) * 1000)) {
                #expect(message.encode().count <= 200)
                guard case .syn(let syn) = message else { continue }
                #expect(syn.digests.first?.endpoint == a, "the local digest always goes first")
                covered.formUnion(syn.digests.map(\.endpoint))
            }
        }
        #expect(covered.count == 51, "different rounds cover different endpoints")
    }
}
