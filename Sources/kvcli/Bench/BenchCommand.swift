import ArgumentParser

/// `kvcli bench`: load testing. `kvcli bench --workload kv ...` runs a workload (the
/// default subcommand, `run`); `kvcli bench compare A.json B.json` compares two reports.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Load-test a cluster and compare the reports.",
        discussion: "`kvcli bench --workload kv ...` is `kvcli bench run ...`: see `kvcli bench run --help` for its options.",
        subcommands: [BenchRunCommand.self, BenchCompareCommand.self], defaultSubcommand: BenchRunCommand.self)
}
