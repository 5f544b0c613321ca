#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation

/// `kvcli cluster ...`: a local cluster of kvnode processes on 127.0.0.1 ... 127.0.0.N.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Run a local multi-node cluster on loopback addresses.",
        subcommands: [Start.self, Stop.self, Status.self, Kill.self, Restart.self, Logs.self, Clear.self,
                      Flush.self, Compact.self]
    )
}

/// Options every cluster subcommand takes.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Directory holding the nodes' configuration, data and logs.")
    var dir = "./.cluster"

    @Option(help: "The kvnode executable (default: the one beside kvcli).")
    var kvnode: String?

    var cluster: LocalCluster {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("kvnode").path
        let absolute = dir.hasPrefix("/") ? dir : FileManager.default.currentDirectoryPath + "/" + dir
        return LocalCluster(directory: URL(fileURLWithPath: absolute).standardized.path, kvnodePath: kvnode ?? sibling)
    }
}

extension ClusterCommand {
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start N nodes (or one node) and wait until every node sees every other as up.")

        @OptionGroup var options: ClusterOptions
        @Option(help: "How many nodes (1-254) when starting the whole cluster.")
        var nodes: Int?
        @Option(help: "Seconds to wait for the cluster to come up.")
        var timeout = 60.0
        @Argument(help: "Start only this node (1-based).")
        var node: Int?

        func run() throws {
            let cluster = options.cluster
            guard FileManager.default.isExecutableFile(atPath: cluster.kvnodePath) else {
                throw ValidationError("no kvnode executable at \(cluster.kvnodePath) (build it, or pass --kvnode)")
            }
            let indexes = try nodesToStart(cluster)
            for index in indexes {
                try cluster.launch(index)
                // One at a time: a joining node picks its tokens from the ring it sees.
                try cluster.waitUntilAllUp(Array(1...index).filter { cluster.existingNodes().contains($0) },
                                           timeoutSeconds: timeout)
            }
            let all = cluster.existingNodes()
            try cluster.waitUntilAllUp(all, timeoutSeconds: timeout)
            print("Cluster of \(all.count) node(s) is up (data in \(cluster.directory)):")
            for index in all { print("  node \(index): \(cluster.address(index)) CQL port \(LocalCluster.nativePort)") }
            print("See it with: kvcli status")
        }

        private func nodesToStart(_ cluster: LocalCluster) throws -> [Int] {
            if let node {
                guard (1...254).contains(node) else { throw ValidationError("node must be within 1-254") }
                return [node]
            }
            let count = nodes ?? max(cluster.existingNodes().count, 1)
            guard (1...254).contains(count) else { throw ValidationError("--nodes must be within 1-254") }
            return Array(1...count)
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drain and stop every node (or one node).")
        @OptionGroup var options: ClusterOptions
        @Argument(help: "Stop only this node.") var node: Int?

        func run() throws {
            let cluster = options.cluster
            let indexes = node.map { [$0] } ?? cluster.existingNodes()
            for index in indexes where cluster.signal(index, SIGTERM) { print("stopping node \(index)") }
            for index in indexes where !cluster.waitForExit(index, timeoutSeconds: 60) {
                throw ValidationError("node \(index) did not stop within 60 s; `kvcli cluster kill \(index)` forces it")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which node processes run.")
        @OptionGroup var options: ClusterOptions

        func run() throws {
            let cluster = options.cluster
            for index in cluster.existingNodes() {
                let pid = cluster.runningPID(index).map { "running (pid \($0))" } ?? "stopped"
                print("node \(index)  \(cluster.address(index))  \(pid)")
            }
        }
    }

    struct Kill: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "SIGKILL one node (a crash).")
        @OptionGroup var options: ClusterOptions
        @Argument(help: "The node to kill.") var node: Int

        func run() throws {
            let cluster = options.cluster
            guard cluster.signal(node, SIGKILL) else { throw ValidationError("node \(node) is not running") }
            _ = cluster.waitForExit(node, timeoutSeconds: 10)
            print("killed node \(node)")
        }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop one node, start it again and wait until it is up.")
        @OptionGroup var options: ClusterOptions
        @Argument(help: "The node to restart.") var node: Int

        func run() throws {
            let cluster = options.cluster
            cluster.signal(node, SIGTERM)
            guard cluster.waitForExit(node, timeoutSeconds: 60) else { throw ValidationError("node \(node) did not stop") }
            try cluster.launch(node)
            try cluster.waitUntilAllUp(cluster.existingNodes(), timeoutSeconds: 60)
            print("node \(node) restarted")
        }
    }

    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one node's log.")
        @OptionGroup var options: ClusterOptions
        @Option(help: "Print only the last N lines (0: all).") var lines = 200
        @Argument(help: "The node.") var node: Int

        func run() throws {
            let path = "\(options.cluster.nodeDirectory(node))/kvnode.log"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("no log at \(path)")
            }
            let all = text.split(separator: "\n", omittingEmptySubsequences: false)
            print((lines > 0 ? all.suffix(lines) : all[...]).joined(separator: "\n"))
        }
    }

    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Flush every table's memtable to SSTables on every running node (or one node).")
        @OptionGroup var maintenance: MaintenanceOptions

        func run() throws { try maintenance.run("/flush", done: "flushed") }
    }

    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Flush, then merge each table's SSTables into one (a major compaction), on every running node (or one node).")
        @OptionGroup var maintenance: MaintenanceOptions

        func run() throws { try maintenance.run("/compact", done: "compacted") }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kill every node and delete the cluster's directory.")
        @OptionGroup var options: ClusterOptions

        func run() throws {
            let cluster = options.cluster
            for index in cluster.existingNodes() {
                cluster.signal(index, SIGKILL)
                _ = cluster.waitForExit(index, timeoutSeconds: 10)
            }
            if FileManager.default.fileExists(atPath: cluster.directory) {
                try FileManager.default.removeItem(atPath: cluster.directory)
            }
            print("cleared \(cluster.directory)")
        }
    }
}

/// What `kvcli cluster flush` and `compact` take, and how they ask each node's admin port.
struct MaintenanceOptions: ParsableArguments {
    @OptionGroup var options: ClusterOptions
    @Option(help: "Seconds to wait for each node to finish.") var timeout = 600.0
    @Argument(help: "Only this node.") var node: Int?

    /// POSTs `path` to each running node in turn; fails on the first node that cannot do it.
    func run(_ path: String, done: String) throws {
        let cluster = options.cluster
        let indexes = node.map { [$0] } ?? cluster.existingNodes().filter { cluster.runningPID($0) != nil }
        guard !indexes.isEmpty else { throw ValidationError("no running node in \(cluster.directory)") }
        for index in indexes {
            do {
                let tables = try AdminClient.maintain(path, host: cluster.address(index), port: LocalCluster.adminPort,
                                                      timeoutMs: Int(timeout * 1000))
                print("node \(index): \(done) \(tables) table(s)")
            } catch {
                throw ValidationError("node \(index): \(error)")
            }
        }
    }
}
