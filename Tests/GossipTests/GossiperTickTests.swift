import Gossip
import KVCore
import Testing

/// The gossip round: whom a Syn goes to (Cassandra's rule), failure detection, shutdown,
/// leaving, and eviction — with explicit times and seeded randomness.
@Suite struct GossiperTickTests {
    typealias Support = GossipTestSupport
    let now = GossipTestSupport.startMillis
    let a = GossipTestSupport.endpoint(1)
    let b = GossipTestSupport.endpoint(2)
    let c = GossipTestSupport.endpoint(3)

    /// A state of a ring member: with tokens, so never dropped for silence.
    let member = GossipTestSupport.state(heartbeat: 1, [.tokens: VersionedValue(value: "42", version: 1)])

    /// A gossiper that knows `live` as up, and never convicts them: these tests are about
    /// the choice of targets.
    func gossiper(seeds: [GossipEndpoint], live: [GossipEndpoint], seed: UInt64 = 1) -> Gossiper {
        var configuration = GossipConfiguration()
        configuration.phiConvictThreshold = .infinity
        var gossiper = Support.gossiper(1, seeds: seeds, configuration: configuration, seed: seed)
        for peer in live {
            _ = gossiper.receive(.ack2(GossipAck2(states: [peer: member])), from: peer, nowMillis: now)
        }
        #expect(gossiper.liveEndpoints == live.sorted())
        return gossiper
    }

    /// The targets of each of `rounds` ticks, one second apart.
    func targets(_ gossiper: inout Gossiper, rounds: Int) -> [[GossipEndpoint]] {
        (0..<rounds).map { round in
            Support.sends(gossiper.tick(nowMillis: now + Int64(round) * 100)).map(\.target)
        }
    }

    @Test func withNobodyLiveEveryRoundGoesToASeed() {
        let seeds = [Support.endpoint(10), Support.endpoint(11)]
        var lonely = gossiper(seeds: seeds + [a], live: [])
        #expect(lonely.seeds == seeds, "a node is not its own seed")
        let rounds = targets(&lonely, rounds: 50)
        #expect(rounds.allSatisfy { $0.count == 1 && seeds.contains($0[0]) })
        #expect(Set(rounds.map { $0[0] }) == Set(seeds), "seeds are drawn at random")
    }

    @Test func aSeedOnlyNodeWithOneSeedPeerSendsOnce() {
        let seed = Support.endpoint(10)
        var node = gossiper(seeds: [seed], live: [seed])
        // The live peer is a seed and live (1) >= seeds (1): no extra Syn.
        #expect(targets(&node, rounds: 50).allSatisfy { $0 == [seed] })
    }

    @Test func afterANonSeedPeerASeedFollowsWithProbabilitySeedsOverPeers() {
        let seeds = [Support.endpoint(10), Support.endpoint(11)]
        let peers = (20..<25).map(Support.endpoint)
        var node = gossiper(seeds: seeds, live: peers)
        let rounds = targets(&node, rounds: 2000)
        #expect(rounds.allSatisfy { peers.contains($0[0]) })
        let withSeed = rounds.filter { $0.count == 2 && seeds.contains($0[1]) }.count
        // seeds / (live + unreachable) = 2 / 5.
        let fraction = Double(withSeed) / 2000
        print("[gossip] non-seed peer chosen: a seed followed in \(fraction) of rounds (expected 0.4)")
        #expect(abs(fraction - 0.4) < 0.04)
    }

    @Test func fewerLivePeersThanSeedsAlwaysAddsASeed() {
        let seeds = (10..<13).map(Support.endpoint)
        var node = gossiper(seeds: seeds, live: [seeds[0]])
        let rounds = targets(&node, rounds: 300)
        // The live peer was a seed, but 1 live < 3 seeds: a seed is drawn every round
        // (probability 3 / 1); it is sent to unless it is the peer already chosen.
        #expect(rounds.allSatisfy { $0.first == seeds[0] && Set($0).count == $0.count })
        let extra = rounds.filter { $0.count == 2 }.count
        #expect(extra > 150 && extra < 250)   // two draws in three pick another seed
    }

    @Test func unreachablePeersAreProbedWithProbabilityUnreachableOverLivePlusOne() {
        var node = gossiper(seeds: [], live: [b, c])
        _ = node.receive(.shutdown(GossipShutdown(state: member)), from: b, nowMillis: now)
        #expect(node.unreachableEndpoints == [b] && node.liveEndpoints == [c])
        var probes = 0
        for round in 0..<3000 {
            let time = now + 41_000 + Int64(round) * 10
            let sent = Support.sends(node.tick(nowMillis: time)).map(\.target)
            #expect(sent.first == c)
            if sent.contains(b) { probes += 1 }
        }
        let fraction = Double(probes) / 3000
        print("[gossip] unreachable probed in \(fraction) of rounds (expected 1 / (1 + 1) = 0.5)")
        #expect(abs(fraction - 0.5) < 0.04)
    }

    @Test func silenceIsConvictedOnceAndProgressRevives() {
        var node = Support.gossiper(1)
        Support.feedHeartbeats(&node, peer: b, state: member, fromMillis: now, seconds: 30)
        let lastHeard = now + 29_000
        var downAt: [Int64] = []
        for second in 1...40 {
            let time = lastHeard + Int64(second) * 1000
            if node.tick(nowMillis: time).contains(.markedDown(b)) { downAt.append(time) }
        }
        #expect(downAt.count == 1)
        let seconds = (downAt.first ?? 0) - lastHeard
        print("[gossip] 1 s heartbeats then silence: marked down after \(seconds / 1000) s")
        // Window: 29 intervals of 1000 ms (the assumed one dropped) → mean 1000 + 8000 ms pause,
        // sigma 500 ms: phi 8 after 11.6 s, so the round at 12 s.
        #expect(seconds == 12_000)
        #expect(!node.isAlive(b) && node.unreachableEndpoints == [b])
        #expect((node.phi(b, nowMillis: lastHeard + 12_000) ?? 0) > 8)

        // Old news does not revive it; heartbeat progress does.
        var beat = member
        beat.heartbeat.version = 30
        let stale = node.receive(.ack2(GossipAck2(states: [b: beat])), from: c, nowMillis: lastHeard + 41_000)
        #expect(stale.isEmpty)
        beat.heartbeat.version = 31
        let fresh = node.receive(.ack2(GossipAck2(states: [b: beat])), from: c, nowMillis: lastHeard + 42_000)
        #expect(fresh == [.markedUp(b)])
        #expect(node.isAlive(b))
    }

    @Test func noConvictionsRightAfterALocalPause() {
        var node = Support.gossiper(1)
        Support.feedHeartbeats(&node, peer: b, state: member, fromMillis: now, seconds: 30)
        _ = node.tick(nowMillis: now + 29_000)
        // This node stalls for a minute: b's silence is ours.
        let resumed = now + 89_000
        #expect(!node.tick(nowMillis: resumed).contains(.markedDown(b)))
        for second in 1...4 {
            #expect(!node.tick(nowMillis: resumed + Int64(second) * 1000).contains(.markedDown(b)))
        }
        // Five seconds after the pause, with still no heartbeat, b is convicted.
        #expect(node.tick(nowMillis: resumed + 5000).contains(.markedDown(b)))
    }

    @Test func shutdownMarksDownAtOnceUntilARestart() {
        var alpha = Support.gossiper(1)
        var beta = Support.gossiper(2, seeds: [a])
        Support.exchange(&beta, &alpha, nowMillis: now)
        let announcement = Support.sends(alpha.shutdown())
        #expect(announcement.map(\.target) == [b])
        #expect(alpha.localState.status == .shutdown)
        let events = beta.receive(Support.relay(announcement[0].message), from: a, nowMillis: now + 1000)
        #expect(events == [.stateChanged(a, .status, alpha.localState.applicationStates[.status]!), .markedDown(a)])
        #expect(!beta.isAlive(a))
        // Even heartbeat progress under the shutdown status does not bring it back...
        var later = alpha.localState
        later.heartbeat.version += 5
        #expect(beta.receive(.ack2(GossipAck2(states: [a: later])), from: c, nowMillis: now + 2000).isEmpty)
        // ...a restart does.
        var reborn = Support.gossiper(1, generation: Support.generation + 30, seeds: [b])
        let (_, betaEvents) = Support.exchange(&reborn, &beta, nowMillis: now + 30_000)
        #expect(betaEvents == [.restarted(a, reborn.localState), .markedUp(a)])
    }

    @Test func aShutdownFromAnUnknownEndpointIsIgnored() {
        var beta = Support.gossiper(2)
        let message = GossipMessage.shutdown(GossipShutdown(state: Support.state(heartbeat: 1)))
        #expect(beta.receive(message, from: a, nowMillis: now).isEmpty)
        #expect(beta.endpointStates[a] == nil)
    }

    @Test func aLeftNodeIsRemovedAtItsExpiryAndStaysAway() {
        var configuration = GossipConfiguration()
        configuration.leftExpiryMs = 10_000
        configuration.quarantineDelayMs = 20_000
        var alpha = Support.gossiper(1, configuration: configuration)
        var beta = Support.gossiper(2, seeds: [a], configuration: configuration)
        Support.exchange(&beta, &alpha, nowMillis: now)
        alpha.leave(nowMillis: now)
        #expect(alpha.localState.status == .left(expiryMillis: now + 10_000))
        let (_, betaEvents) = Support.exchange(&alpha, &beta, nowMillis: now)
        #expect(betaEvents.contains(.markedDown(a)))
        let leftState = beta.endpointStates[a]!

        #expect(!beta.tick(nowMillis: now + 10_000).contains(.removed(a)), "not before the expiry")
        #expect(beta.tick(nowMillis: now + 10_001).contains(.removed(a)))
        #expect(beta.endpointStates[a] == nil && beta.isQuarantined(a))
        // A peer that has not dropped it yet cannot bring it back during the quarantine.
        #expect(beta.receive(.ack2(GossipAck2(states: [a: leftState])), from: c, nowMillis: now + 15_000).isEmpty)
        #expect(beta.endpointStates[a] == nil)
        _ = beta.tick(nowMillis: now + 31_000)
        #expect(!beta.isQuarantined(a))
    }

    @Test func silentEndpointsWithoutTokensAreDroppedButTokenOwnersStay() {
        var node = Support.gossiper(1)
        let owner = Support.state(heartbeat: 1, [.tokens: VersionedValue(value: "42", version: 1)])
        let client = Support.state(heartbeat: 1)
        for second in 0..<10 {
            var beat = [b: owner, c: client]
            beat[b]!.heartbeat.version += Int64(second)
            beat[c]!.heartbeat.version += Int64(second)
            _ = node.receive(.ack2(GossipAck2(states: beat)), from: b, nowMillis: now + Int64(second) * 1000)
        }
        var removed: [GossipEndpoint: Int64] = [:]
        for second in 10...120 {
            for case .removed(let endpoint) in node.tick(nowMillis: now + Int64(second) * 1000) {
                removed[endpoint] = Int64(second) * 1000 - 9000
            }
        }
        #expect(removed.keys.sorted() == [c])
        #expect(removed[c] == 31_000, "dropped once silent for more than 30 s")
        #expect(node.unreachableEndpoints == [b])
    }

    @Test func sameSeedSameTargets() {
        let seeds = [Support.endpoint(10), Support.endpoint(11)]
        let peers = (20..<30).map(Support.endpoint)
        var first = gossiper(seeds: seeds, live: peers, seed: 7)
        var second = gossiper(seeds: seeds, live: peers, seed: 7)
        #expect(targets(&first, rounds: 200) == targets(&second, rounds: 200))
    }
}
