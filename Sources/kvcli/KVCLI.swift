import ArgumentParser

/// `kvcli`: local clusters, cluster status, the CQL shell, segments and load testing.
@main
struct KVCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kvcli",
        abstract: "Run and inspect kvstore clusters.",
        subcommands: [ClusterCommand.self, StatusCommand.self, CQLCommand.self, SegmentCommand.self, BenchCommand.self]
    )
}

/// `kvcli status [--host H]`: the cluster as one node sees it, in nodetool's shape.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the cluster as one node sees it (nodetool status).")

    @Option(help: "The node to ask (its address; the admin port is used).")
    var host = "127.0.0.1"

    @Option(help: "The node's admin HTTP port.")
    var adminPort = LocalCluster.adminPort

    func run() throws {
        do {
            print(StatusPrinter.render(try AdminClient.status(host: host, port: adminPort)))
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
