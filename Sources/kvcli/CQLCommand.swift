#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CQL
import Foundation
import KVClient

/// `kvcli cql`: a CQL shell in cqlsh's manner, interactive or running `-e` statements or a
/// `-f` script. Exit status: 0, 1 when a statement of `-e`/`-f`/piped input failed, 2 when
/// the node cannot be reached.
struct CQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cql", abstract: "Run CQL statements: an interactive shell, -e statements or a -f script.")

    @Option(help: "The node to connect to.")
    var host = "127.0.0.1"

    @Option(help: "The node's native (CQL) port.")
    var port = 9042

    @Option(name: [.customShort("k"), .long], help: "The keyspace to use.")
    var keyspace: String?

    @Option(name: [.customShort("e"), .customLong("execute")], help: "Run these statements (separated by ;) and exit.")
    var execute: String?

    @Option(name: [.customShort("f"), .long], help: "Run the statements of this file and exit.")
    var file: String?

    @Option(help: "The consistency level (ONE, QUORUM, ALL, LOCAL_QUORUM...).")
    var consistency = "ONE"

    @Option(help: "Rows per page (0 turns paging off).")
    var pageSize: Int32 = 100

    @Option(help: "Seconds to wait for each response.")
    var requestTimeout = 12.0

    func validate() throws {
        guard ProtocolConsistency(name: consistency) != nil else {
            throw ValidationError("unknown consistency level '\(consistency)'")
        }
        guard execute == nil || file == nil else { throw ValidationError("give -e or -f, not both") }
        guard pageSize >= 0 else { throw ValidationError("--page-size must not be negative") }
    }

    func run() async throws {
        let input = try readInput()
        let client: KVClient
        do {
            var configuration = KVClientConfiguration(defaultPort: port, requestTimeoutMs: Int64(requestTimeout * 1000),
                                                      keyspace: keyspace, discoversPeers: false)
            configuration.defaultConsistency = ProtocolConsistency(name: consistency)!
            client = try await KVClient.connect(contactPoints: ["\(host):\(port)"], configuration: configuration)
        } catch {
            FileHandle.standardError.write(Data("Connection error: could not connect to \(host):\(port): \(error)\n".utf8))
            throw ExitCode(2)
        }
        defer { client.close() }
        var shell = CQLShell(client: client, consistency: ProtocolConsistency(name: consistency)!,
                             pageSize: pageSize == 0 ? nil : pageSize, interactive: input.interactive,
                             sourceName: input.sourceName)
        if let text = input.text {
            for statement in StatementSplitter.split(text) {
                guard await shell.run(statement) else { break }
            }
        } else {
            await shell.runLines()
        }
        if shell.failures > 0 && !input.interactive { throw ExitCode(1) }
    }

    private struct Input {
        var text: String?
        var interactive: Bool
        var sourceName: String
    }

    private func readInput() throws -> Input {
        if let execute { return Input(text: execute, interactive: false, sourceName: "<stdin>") }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("Could not open '\(file)'\n".utf8))
                throw ExitCode(2)
            }
            return Input(text: String(decoding: data, as: UTF8.self), interactive: false, sourceName: file)
        }
        return Input(text: nil, interactive: isatty(STDIN_FILENO) != 0, sourceName: "<stdin>")
    }
}
