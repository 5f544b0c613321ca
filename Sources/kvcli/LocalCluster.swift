#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KVCore

/// A local cluster of `kvnode` processes on 127.0.0.1 ... 127.0.0.N, one directory each
/// under `directory` (`node<i>/` with `kvnode.yaml`, `data/`, `kvnode.log`, `kvnode.pid`).
/// Every node uses the same ports on its own loopback address.
struct LocalCluster {
    static let adminPort = 7199
    static let nativePort = 9042
    static let storagePort = 7000
    let directory: String
    let kvnodePath: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func nodeDirectory(_ index: Int) -> String { "\(directory)/node\(index)" }
    func address(_ index: Int) -> String { "127.0.0.\(index)" }
    var pidFileName: String { "kvnode.pid" }
    /// glibc's POSIX_SPAWN_SETSID (not exported to Swift): the child leads a new session,
    /// so it outlives this command and a terminal's hangup.
    static let spawnNewSession: Int16 = 0x80

    /// Node indexes that have a directory, in order.
    func existingNodes() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { $0.hasPrefix("node") ? Int($0.dropFirst(4)) : nil }.sorted()
    }

    // MARK: Configuration

    /// Writes node `index`'s configuration (kept if present, so restarts keep settings).
    func prepare(_ index: Int) throws {
        let nodeDirectory = nodeDirectory(index)
        try FileManager.default.createDirectory(atPath: nodeDirectory, withIntermediateDirectories: true)
        let configPath = "\(nodeDirectory)/kvnode.yaml"
        guard !FileManager.default.fileExists(atPath: configPath) else { return }
        let yaml = """
            # Written by `kvcli cluster start`; see kvnode.yaml in the repository for every key.
            cluster_name: "Local Cluster"
            listen_address: \(address(index))
            native_address: \(address(index))
            storage_port: \(Self.storagePort)
            native_port: \(Self.nativePort)
            admin_port: \(Self.adminPort)
            seeds: ["127.0.0.1"]
            data_directory: \(nodeDirectory)/data

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    // MARK: Processes

    /// The pid of node `index` if its process is running.
    func runningPID(_ index: Int) -> pid_t? {
        guard let text = try? String(contentsOfFile: "\(nodeDirectory(index))/\(pidFileName)", encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return nil }
        guard kill(pid, 0) == 0 else { return nil }
        // A reused pid belongs to another program: check it is our kvnode.
        let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        return commandLine.contains("kvnode") && commandLine.contains(nodeDirectory(index)) ? pid : nil
    }

    /// Starts node `index` in its own session, detached from this process, logging to its
    /// directory. No-op if it is running.
    func launch(_ index: Int) throws {
        guard runningPID(index) == nil else { return }
        try prepare(index)
        let nodeDirectory = nodeDirectory(index)
        let pid = try spawnDetached(arguments: [kvnodePath, "--config", "\(nodeDirectory)/kvnode.yaml"],
                                    logPath: "\(nodeDirectory)/kvnode.log")
        try "\(pid)\n".write(toFile: "\(nodeDirectory)/\(pidFileName)", atomically: true, encoding: .utf8)
    }

    private func spawnDetached(arguments: [String], logPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Self.spawnNewSession)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Sends `signal` to node `index`; returns whether it was running.
    @discardableResult
    func signal(_ index: Int, _ signal: Int32) -> Bool {
        guard let pid = runningPID(index) else { return false }
        return kill(pid, signal) == 0
    }

    /// Waits until node `index`'s process has exited, up to `timeoutSeconds`.
    func waitForExit(_ index: Int, timeoutSeconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if runningPID(index) == nil { return true }
            usleep(100_000)
        }
        return runningPID(index) == nil
    }

    // MARK: Readiness

    /// Node `index`'s own view, or nil if it does not answer.
    func status(_ index: Int) -> NodeStatusReport? {
        try? AdminClient.status(host: address(index), port: Self.adminPort, timeoutMs: 1000)
    }

    /// Waits until every node in `indexes` reports every one of them as up and normal.
    func waitUntilAllUp(_ indexes: [Int], timeoutSeconds: Double) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var last = ""
        while Date() < deadline {
            last = ""
            var ready = true
            for index in indexes {
                guard let report = status(index) else {
                    ready = false
                    last += "node \(index) (\(address(index))) does not answer on its admin port\n"
                    continue
                }
                let upAndNormal = Set(report.nodes.filter { $0.state == "UN" }.map(\.address))
                let missing = indexes.map(address).filter { !upAndNormal.contains($0) }
                if !missing.isEmpty {
                    ready = false
                    last += "node \(index) does not yet see \(missing.joined(separator: ", ")) as UN\n"
                }
            }
            if ready { return }
            usleep(250_000)
        }
        throw Failure(description: "the cluster did not come up within \(Int(timeoutSeconds)) s:\n\(last)"
                      + "see the logs with `kvcli cluster logs <node>`")
    }
}
