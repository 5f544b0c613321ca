import KVCore
import Simulation
import Synchronization
import Testing

/// The deterministic executor: virtual time, order, cancellation, stalls.
struct SimulationExecutorTests {
    @Test func sleepersWakeInDeadlineOrderAtTheirVirtualTimes() throws {
        let executor = SimulationExecutor()
        let clock = VirtualClock(executor: executor)
        let woken = try executor.run(limit: .seconds(10)) { () async -> [String] in
            await withTaskGroup(of: String.self) { group in
                for (name, millis) in [("c", 300), ("a", 100), ("b", 200), ("a2", 100)] {
                    group.addTask {
                        try? await clock.sleep(for: .milliseconds(millis))
                        return "\(name)@\(clock.now.offset / .milliseconds(1))"
                    }
                }
                var order: [String] = []
                for await name in group { order.append(name) }
                return order
            }
        }
        #expect(woken == ["a@100.0", "a2@100.0", "b@200.0", "c@300.0"])
        #expect(executor.now == .milliseconds(300))
    }

    @Test func cancellingASleeperWakesItAtOnceWithoutAdvancingTime() throws {
        let executor = SimulationExecutor()
        let clock = VirtualClock(executor: executor)
        let outcome = try executor.run(limit: .seconds(100)) { () async -> String in
            let sleeper = Task.preferringInheritedExecutor { () -> String in
                do {
                    try await clock.sleep(for: .seconds(60))
                    return "slept"
                } catch {
                    return "cancelled at \(clock.now.offset)"
                }
            }
            try? await clock.sleep(for: .milliseconds(5))
            sleeper.cancel()
            return await sleeper.value
        }
        #expect(outcome == "cancelled at 0.005 seconds")
    }

    @Test func unstructuredTasksOfOurCodeStayOnTheExecutor() throws {
        let executor = SimulationExecutor()
        let ran = try executor.run(limit: .seconds(1)) { () async -> Bool in
            await Task.preferringInheritedExecutor { InheritedExecutor.preferred != nil }.value
        }
        #expect(ran)
    }

    @Test func aBodyThatCanNeverFinishIsReportedAsStalled() {
        let executor = SimulationExecutor()
        #expect(throws: SimulationError.stalled(at: .zero)) {
            try executor.run(limit: .seconds(1)) {
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }  // never resumed
            }
        }
    }

    @Test func virtualTimeIsBounded() {
        let executor = SimulationExecutor()
        let clock = VirtualClock(executor: executor)
        #expect(throws: SimulationError.timeLimitExceeded(.seconds(1))) {
            try executor.run(limit: .seconds(1)) { try? await clock.sleep(for: .seconds(2)) }
        }
    }

    @Test func theNodeClockFollowsVirtualTimeAndJumps() throws {
        let executor = SimulationExecutor()
        let clock = VirtualClock(executor: executor)
        let nodeClock = SimulatedNodeClock(executor: executor)
        let readings = try executor.run(limit: .seconds(10)) { () async -> [Int64] in
            try? await clock.sleep(for: .milliseconds(1500))
            let before = nodeClock.nowMicros()
            nodeClock.jump(micros: -2_000_000)
            return [before, nodeClock.nowMicros(), Int64(nodeClock.monotonicNanos())]
        }
        #expect(readings == [SimulatedNodeClock.startMicros + 1_500_000, SimulatedNodeClock.startMicros - 500_000,
                             1_500_000_000])
    }
}

/// A seed is a complete description of a run.
struct SimulationDeterminismTests {
    @Test(arguments: SimulationWorkload.allCases)
    func oneSeedRunTwiceGivesTheSameRun(_ workload: SimulationWorkload) throws {
        let first = try Simulation.run(workload, options: SimulationOptions(seed: 42))
        let second = try Simulation.run(workload, options: SimulationOptions(seed: 42))
        #expect(first.events == second.events)
        #expect(first.counters == second.counters)
        #expect(first.events.count > 3, "the run injected no faults: \(first.events)")
        let other = try Simulation.run(workload, options: SimulationOptions(seed: 43))
        #expect(other.events != first.events)
    }

    @Test func withoutFaultsEveryOperationSucceeds() throws {
        var options = SimulationOptions(seed: 5)
        options.injectsFaults = false
        let report = try Simulation.run(.registers, options: options)
        #expect(report.violations.isEmpty, "\(report.summary)")
        #expect(report.counters["write succeeded", default: 0] > 100)
        #expect(report.counters["read succeeded", default: 0] > 100)
        #expect(report.counters.keys.filter { $0.hasSuffix("timed out") || $0.hasSuffix("unavailable") }.isEmpty,
                "\(report.counters)")
    }
}
