import ArgumentParser
import Foundation
import Logging

/// `kvnode --config kvnode.yaml [flags]`: one node of the store. Flags override the file;
/// the file overrides the defaults (documented in kvnode.yaml at the repository root).
@main
struct KVNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kvnode", abstract: "Run one node of the store (SIGTERM drains and stops it).")

    @Option(help: "YAML configuration file.") var config: String?
    @Option(help: "cluster_name") var clusterName: String?
    @Option(help: "listen_address (internode)") var listenAddress: String?
    @Option(help: "storage_port (internode)") var storagePort: Int?
    @Option(help: "native_address (CQL)") var nativeAddress: String?
    @Option(help: "native_port (CQL)") var nativePort: Int?
    @Option(help: "admin_port (HTTP status)") var adminPort: Int?
    @Option(help: "seeds, comma-separated host or host:port") var seeds: String?
    @Option(help: "num_tokens") var numTokens: Int?
    @Option(help: "datacenter") var datacenter: String?
    @Option(help: "rack") var rack: String?
    @Option(help: "data_directory") var dataDirectory: String?
    @Option(help: "commitlog_directory") var commitlogDirectory: String?
    @Option(help: "commitlog_sync: periodic, group or batch") var commitlogSync: String?
    @Option(help: "log_level") var logLevel: String?

    func run() async throws {
        let configuration: NodeConfiguration
        do {
            configuration = try resolvedConfiguration()
            try configuration.validate()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("kvnode: \(error)\n".utf8))
            throw ExitCode(2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "kvnode")
        do {
            try await NodeRunner(configuration: configuration, logger: logger).run()
        } catch {
            logger.critical("kvnode stopped: \(error)")
            throw ExitCode(1)
        }
    }

    private func resolvedConfiguration() throws -> NodeConfiguration {
        var configuration = NodeConfiguration()
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw ConfigurationError(description: "cannot read configuration file \(config)")
            }
            configuration = try NodeConfiguration.load(yaml: text, source: config)
        }
        if let clusterName { configuration.clusterName = clusterName }
        if let listenAddress { configuration.listenAddress = listenAddress }
        if let storagePort { configuration.storagePort = storagePort }
        if let nativeAddress { configuration.nativeAddress = nativeAddress }
        if let nativePort { configuration.nativePort = nativePort }
        if let adminPort { configuration.adminPort = adminPort }
        if let seeds { configuration.seeds = seeds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let numTokens { configuration.numTokens = numTokens }
        if let datacenter { configuration.datacenter = datacenter }
        if let rack { configuration.rack = rack }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let commitlogDirectory { configuration.commitLogDirectory = commitlogDirectory }
        if let commitlogSync { configuration.commitLogSync = commitlogSync }
        if let logLevel { configuration.logLevel = logLevel }
        return configuration
    }
}
