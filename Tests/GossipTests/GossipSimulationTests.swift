import Gossip
import KVCore
import Testing

/// Whole-cluster behaviour: 50 gossipers in one process, virtual time, seeded network.
/// Each test prints its measured figures.
@Suite struct GossipSimulationTests {
    static let nodeCount = 50

    /// A converged 50-node cluster, run on to `warmUpMillis` so the detectors have learned
    /// the heartbeat rhythm.
    static func convergedCluster(seed: UInt64, dropProbability: Double = 0) -> (GossipSimulation, convergedAtMillis: Int64?) {
        var options = GossipSimulation.Options()
        options.nodeCount = nodeCount
        options.seed = seed
        options.dropProbability = dropProbability
        let simulation = GossipSimulation(options)
        simulation.startAll()
        let convergedAt = simulation.run(limitMillis: 120_000) { simulation.isConverged() }
        return (simulation, convergedAt)
    }

    func isMarkedDown(_ endpoint: GossipEndpoint) -> (GossipAction) -> Bool {
        { if case .markedDown(endpoint) = $0 { true } else { false } }
    }

    func isMarkedUp(_ endpoint: GossipEndpoint) -> (GossipAction) -> Bool {
        { if case .markedUp(endpoint) = $0 { true } else { false } }
    }

    @Test func fiftyNodesConvergeFromThreeSeeds() {
        let (simulation, convergedAt) = Self.convergedCluster(seed: 1)
        let convergedAtMillis = try! #require(convergedAt)
        let seconds = Double(convergedAtMillis - GossipSimulation.startMillis) / 1000
        print("[gossip-sim] 50 nodes, 3 seeds, no loss: converged after \(seconds) s (~\(Int(seconds.rounded(.up))) rounds), \(simulation.messagesSent) messages")
        #expect(seconds <= 30)
        #expect(simulation.decodeFailures == 0)

        // Steady state for another 30 s: nobody is ever marked down.
        simulation.run(untilMillis: simulation.nowMillis + 30_000)
        #expect(!simulation.observations.contains { if case .markedDown = $0.action { true } else { false } })
        #expect(simulation.isConverged())
    }

    @Test func convergesDespiteTenPercentLoss() {
        let (_, convergedAt) = Self.convergedCluster(seed: 2, dropProbability: 0.1)
        let convergedAtMillis = try! #require(convergedAt)
        let seconds = Double(convergedAtMillis - GossipSimulation.startMillis) / 1000
        print("[gossip-sim] 50 nodes, 3 seeds, 10% loss: converged after \(seconds) s")
        #expect(seconds <= 40)
    }

    @Test func sameSeedSameRun() {
        func run() -> (observations: [GossipSimulation.Observation], messages: Int) {
            let (simulation, _) = Self.convergedCluster(seed: 7, dropProbability: 0.05)
            return (simulation.observations, simulation.messagesSent)
        }
        let first = run()
        let second = run()
        #expect(!first.observations.isEmpty)
        #expect(first.messages == second.messages)
        let same = first.observations.count == second.observations.count
            && zip(first.observations, second.observations).allSatisfy {
                $0.timeMillis == $1.timeMillis && $0.observer == $1.observer && $0.action == $1.action
            }
        #expect(same, "the same seed gives the same actions at the same times")
    }

    @Test func stoppedNodeIsConvictedByEveryone() {
        let (simulation, _) = Self.convergedCluster(seed: 3)
        simulation.run(untilMillis: GossipSimulation.startMillis + 30_000)
        let victim = 17
        let stoppedAt = simulation.nowMillis
        simulation.stop(victim)
        let others = simulation.runningNodes
        let allConvicted = simulation.run(limitMillis: 60_000) {
            simulation.firstTimes(sinceMillis: stoppedAt, where: isMarkedDown(simulation.endpoints[victim])).count == others.count
        }
        #expect(allConvicted != nil)
        let delays = simulation.firstTimes(sinceMillis: stoppedAt, where: isMarkedDown(simulation.endpoints[victim]))
            .values.map { Double($0 - stoppedAt) / 1000 }
        let mean = delays.reduce(0, +) / Double(max(delays.count, 1))
        print("[gossip-sim] stopped node convicted by all \(delays.count) others: first after \(delays.min() ?? 0) s, mean \(mean) s, last \(delays.max() ?? 0) s")
        #expect(delays.count == others.count)
        #expect((delays.min() ?? 0) >= 5, "nobody convicts on a few seconds of silence")
        #expect((delays.max() ?? .infinity) <= 20, "everyone convicts within 20 s")
        for node in others { #expect(!simulation.gossipers[node]!.isAlive(simulation.endpoints[victim])) }
        // Only the victim was convicted.
        #expect(simulation.observations.filter { if case .markedDown = $0.action { true } else { false } }.count == others.count)
    }

    @Test func partitionedNodeGoesDownThenComesBack() {
        let (simulation, _) = Self.convergedCluster(seed: 4, dropProbability: 0.01)
        simulation.run(untilMillis: GossipSimulation.startMillis + 30_000)
        let island = 23
        let islandEndpoint = simulation.endpoints[island]
        let cutAt = simulation.nowMillis
        simulation.isolated = [island]
        let others = simulation.runningNodes.filter { $0 != island }
        let allDown = simulation.run(limitMillis: 60_000) {
            others.allSatisfy { !simulation.gossipers[$0]!.isAlive(islandEndpoint) }
                && simulation.gossipers[island]!.liveEndpoints.isEmpty
        }
        #expect(allDown != nil, "everyone marks the island down, and the island marks everyone down")
        simulation.isolated = []
        let healedAt = simulation.nowMillis
        let allUp = simulation.run(limitMillis: 60_000) {
            others.allSatisfy { simulation.gossipers[$0]!.isAlive(islandEndpoint) }
                && simulation.gossipers[island]!.liveEndpoints.count == others.count
        }
        #expect(allUp != nil)
        print("[gossip-sim] partitioned node: all sides down after \(Double((allDown ?? 0) - cutAt) / 1000) s; all up \(Double((allUp ?? 0) - healedAt) / 1000) s after healing")
        #expect(simulation.isConverged())
    }

    @Test func restartedNodeIsRecognisedEverywhere() {
        let (simulation, _) = Self.convergedCluster(seed: 5)
        simulation.run(untilMillis: GossipSimulation.startMillis + 20_000)
        let node = 31
        let endpoint = simulation.endpoints[node]
        let oldGeneration = simulation.gossipers[node]!.localState.heartbeat.generation
        simulation.stop(node)
        let others = simulation.runningNodes
        let convicted = simulation.run(limitMillis: 60_000) {
            others.allSatisfy { !simulation.gossipers[$0]!.isAlive(endpoint) }
        }
        #expect(convicted != nil, "the node is down everywhere before it comes back")
        let restartedAt = simulation.nowMillis
        simulation.start(node)
        let newGeneration = simulation.gossipers[node]!.localState.heartbeat.generation
        #expect(newGeneration > oldGeneration)
        let recognised = simulation.run(limitMillis: 60_000) {
            simulation.firstTimes(sinceMillis: restartedAt) { if case .restarted(endpoint, _) = $0 { true } else { false } }
                .count == others.count && simulation.isConverged()
        }
        #expect(recognised != nil)
        print("[gossip-sim] restarted node recognised (new generation, up, full state) by all others after \(Double((recognised ?? 0) - restartedAt) / 1000) s")
        for other in others {
            #expect(simulation.gossipers[other]!.endpointStates[endpoint]?.heartbeat.generation == newGeneration)
        }
    }

    @Test func leftNodeIsRemovedEverywhereAfterExpiry() {
        var options = GossipSimulation.Options()
        options.seed = 6
        options.gossip.leftExpiryMs = 20_000
        options.gossip.quarantineDelayMs = 20_000
        let simulation = GossipSimulation(options)
        simulation.startAll()
        #expect(simulation.run(limitMillis: 120_000) { simulation.isConverged() } != nil)
        simulation.run(untilMillis: GossipSimulation.startMillis + 20_000)
        let leaver = 42
        let endpoint = simulation.endpoints[leaver]
        let leftAt = simulation.nowMillis
        simulation.act(on: leaver) { gossiper, now in
            gossiper.leave(nowMillis: now)
            return []
        }
        simulation.run(untilMillis: simulation.nowMillis + 5000)   // tell the others, then go
        simulation.stop(leaver)
        let others = simulation.runningNodes
        let removed = simulation.run(limitMillis: 60_000) {
            others.allSatisfy { simulation.gossipers[$0]!.endpointStates[endpoint] == nil }
        }
        #expect(removed != nil)
        let removals = simulation.firstTimes(sinceMillis: leftAt) { $0 == .removed(endpoint) }
        let downs = simulation.firstTimes(sinceMillis: leftAt, where: isMarkedDown(endpoint))
        #expect(removals.count == others.count)
        #expect(downs.count == others.count, "LEFT marks the node down before it is removed")
        #expect(removals.values.allSatisfy { $0 > leftAt + options.gossip.leftExpiryMs })
        print("[gossip-sim] left node: all marked it down within \(Double((downs.values.max() ?? 0) - leftAt) / 1000) s, removed by all \(Double((removed ?? 0) - leftAt) / 1000) s after leaving (expiry 20 s)")
        // It does not come back, during or after the quarantine.
        simulation.run(untilMillis: simulation.nowMillis + options.gossip.quarantineDelayMs + 10_000)
        #expect(others.allSatisfy { simulation.gossipers[$0]!.endpointStates[endpoint] == nil })
        #expect(simulation.isConverged())
    }
}
