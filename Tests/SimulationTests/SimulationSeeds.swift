import Foundation
import Simulation

/// Which runs the workload tests make: `SEED=n` replays one seed; otherwise `SIM_SEEDS`
/// seeds (default 75) from `SIM_FIRST_SEED` (default 1), for each workload and cluster size
/// (3 and 5 nodes, replication factor 3). `SIM_WORKLOAD` and `SIM_NODES` limit the runs to
/// one workload and one size.
enum SimulationSeeds {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var seeds: [UInt64] {
        if let seed = environment["SEED"].flatMap(UInt64.init) { return [seed] }
        let count = environment["SIM_SEEDS"].flatMap(Int.init) ?? 75
        let first = environment["SIM_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        return (0..<UInt64(max(0, count))).map { first + $0 }
    }

    static let clusterSizes = [3, 5]

    static func includes(_ workload: SimulationWorkload, nodes: Int) -> Bool {
        (environment["SIM_WORKLOAD"].map { $0 == workload.rawValue } ?? true)
            && (environment["SIM_NODES"].flatMap(Int.init).map { $0 == nodes } ?? true)
    }

    /// Whether to print every run's summary (always for a single replayed seed).
    static var isVerbose: Bool { environment["SEED"] != nil || environment["SIM_VERBOSE"] != nil }
}
