import KVCore
import Messaging
import Synchronization

/// Injects the faults of a run, all chosen by the seed: per-message loss, delay (and so
/// reordering) and duplication at intensities drawn once per run, and a timeline of node
/// faults, one at a time: isolation, one-way link blocks, crash and restart (losing unsynced
/// data), pauses of a node's links, and wall-clock jumps.
final class Nemesis: Sendable {
    private let cluster: SimulatedCluster
    private var environment: SimulationEnvironment { cluster.environment }

    init(cluster: SimulatedCluster) { self.cluster = cluster }

    /// Runs faults until `duration` has passed, then heals everything it broke.
    func run(for duration: Duration) async {
        let clock = environment.virtualClock
        let deadline = clock.now.advanced(by: duration)
        startMessageFaults()
        while clock.now < deadline {
            try? await clock.sleep(for: randomDuration(millis: 200..<2000))
            guard clock.now < deadline else { break }
            await injectOneFault()
        }
        await heal()
    }

    /// Seeded per-message fates: loss up to 5%, delay up to 40 ms, duplication up to 2%.
    private func startMessageFaults() {
        let random = environment.random
        let loss = Double(random.next(in: 0..<6)) / 100
        let maxDelayMillis = random.next(in: 0..<41)
        let duplication = Double(random.next(in: 0..<3)) / 100
        cluster.log.event("message faults: loss \(loss), delay up to \(maxDelayMillis) ms, duplication \(duplication)")
        environment.network.setFilter { _, _, _ in
            if random.chance(loss) { return .lost }
            let delay = Duration.milliseconds(maxDelayMillis == 0 ? 0 : random.next(in: 0..<maxDelayMillis))
            return MessageFate(delay: delay, copies: random.chance(duplication) ? 2 : 1)
        }
    }

    private func injectOneFault() async {
        let clock = environment.virtualClock
        let node = cluster.randomNode()
        let other = cluster.nodes[(node.index + 1 + environment.random.next(in: 0..<(cluster.nodes.count - 1)))
            % cluster.nodes.count]
        let length = randomDuration(millis: 300..<5000)
        switch environment.random.next(below: 5) {
        case 0:
            cluster.log.event("isolate node \(node.index) for \(length)")
            environment.network.updateFaults { $0.isolate(node.address) }
            try? await clock.sleep(for: length)
            environment.network.updateFaults { $0.heal(node.address) }
        case 1:
            cluster.log.event("block node \(node.index) -> node \(other.index) for \(length)")
            environment.network.updateFaults { $0.block(from: node.address, to: other.address) }
            try? await clock.sleep(for: length)
            environment.network.updateFaults { $0.heal(node.address) }
        case 2:
            cluster.log.event("crash node \(node.index), restart after \(length)")
            await node.crash()
            try? await clock.sleep(for: length)
            restart(node)
        case 3:
            let jump = Int64(environment.random.next(in: -2000..<2001)) * 1000
            cluster.log.event("jump node \(node.index)'s wall clock by \(jump / 1000) ms")
            node.clock.jump(micros: jump)
        default:
            cluster.log.event("drop everything node \(node.index) sends for \(length)")
            environment.network.updateFaults { $0.droppingFrom.insert(node.address) }
            try? await clock.sleep(for: length)
            environment.network.updateFaults { $0.heal(node.address) }
        }
    }

    /// Removes every network fault and restarts every node that is down.
    func heal() async {
        environment.network.setFilter(nil)
        environment.network.updateFaults { $0.healAll() }
        for node in cluster.nodes where !node.isRunning { restart(node) }
        cluster.log.event("healed")
    }

    private func restart(_ node: SimulatedNode) {
        guard !node.isRunning else { return }
        do {
            try node.start()
            cluster.log.event("restarted node \(node.index)")
        } catch {
            cluster.log.violation("node \(node.index) failed to restart: \(error)")
        }
    }

    private func randomDuration(millis range: Range<Int>) -> Duration {
        .milliseconds(environment.random.next(in: range))
    }
}
