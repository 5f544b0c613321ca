import Foundation
import Simulation

/// Which seeds the workload tests run: `SEED=n` replays one seed; otherwise `SIM_SEEDS`
/// seeds (default 100) from `SIM_FIRST_SEED` (default 1). `SIM_WORKLOAD` limits the run to
/// one workload; `SIM_NODES` sets the cluster size (default 3, replication factor 3).
enum SimulationSeeds {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var seeds: [UInt64] {
        if let seed = environment["SEED"].flatMap(UInt64.init) { return [seed] }
        let count = environment["SIM_SEEDS"].flatMap(Int.init) ?? 100
        let first = environment["SIM_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        return (0..<UInt64(max(0, count))).map { first + $0 }
    }

    static func includes(_ workload: SimulationWorkload) -> Bool {
        environment["SIM_WORKLOAD"].map { $0 == workload.rawValue } ?? true
    }

    /// The options of `seed`'s run.
    static func options(seed: UInt64) -> SimulationOptions {
        var options = SimulationOptions(seed: seed)
        if let nodes = environment["SIM_NODES"].flatMap(Int.init) { options.nodeCount = max(3, nodes) }
        return options
    }

    /// Whether to print every run's summary (always for a single replayed seed).
    static var isVerbose: Bool { environment["SEED"] != nil || environment["SIM_VERBOSE"] != nil }
}
