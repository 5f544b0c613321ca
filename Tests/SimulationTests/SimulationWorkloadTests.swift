import Simulation
import Testing

/// The invariants of RELIABILITY.md checked over many seeds of the whole-cluster simulator
/// with faults: lost acknowledged writes, stale and non-monotonic reads, replicas that do
/// not converge, and Unavailable answered when it should not be (or not when it should).
@Suite(.serialized)
struct SimulationWorkloadTests {
    @Test(arguments: SimulationWorkload.allCases, SimulationSeeds.clusterSizes)
    func invariantsHoldOverManySeeds(_ workload: SimulationWorkload, nodes: Int) throws {
        guard SimulationSeeds.includes(workload, nodes: nodes) else { return }
        var failing: [SimulationReport] = []
        var totals: [String: Int] = [:]
        let seeds = SimulationSeeds.seeds
        for seed in seeds {
            var options = SimulationOptions(seed: seed)
            options.nodeCount = nodes
            let report = try Simulation.run(workload, options: options)
            if SimulationSeeds.isVerbose { print(report.summary) }
            if !report.violations.isEmpty { failing.append(report) }
            totals.merge(report.counters) { $0 + $1 }
        }
        let figures = totals.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        print("simulation \(workload.rawValue), \(nodes) nodes: \(seeds.count) seeds, \(failing.count) failing; totals: \(figures)")
        for report in failing.prefix(3) { print(report.summary) }
        #expect(failing.isEmpty, "failing seeds: \(failing.map(\.seed)); replay one with: \(failing.first?.replayCommand ?? "")")
    }
}
