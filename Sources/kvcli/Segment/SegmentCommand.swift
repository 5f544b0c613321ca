#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CQL
import Foundation
import KVClient

/// `kvcli segment`: runs a row-filter query (`SELECT ... WHERE <filter> ALLOW FILTERING`)
/// and streams the matching rows, page by page, to a file or standard output, with a
/// progress line on a terminal and the scan statistics at the end. Exit status: 0; 1 when
/// the query fails (bad filter, unknown table) or the output cannot be written; 2 when no
/// node can be reached.
struct SegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Write the rows a filter matches (a segment) to a file, with a progress bar.")

    @Option(help: "The table, as keyspace.table.")
    var table: String

    @Option(name: .customLong("where"), help: "The filter, in CQL (e.g. \"country = 'JP' AND age >= 30\").")
    var filter: String

    @Option(help: "The columns to write, comma-separated (default: the partition key columns).")
    var columns: String?

    @Option(help: "The file to write (default: standard output).")
    var out: String?

    @Option(help: "The output format: csv or ndjson.")
    var format = SegmentFormat.csv

    @Flag(help: "Count the matching rows (SELECT COUNT(*)) instead of writing them.")
    var count = false

    @Option(help: "The nodes to send the query to, comma-separated.")
    var hosts = "127.0.0.1"

    @Option(help: "The nodes' native (CQL) port.")
    var port = 9042

    @Option(help: "The consistency level (ONE, QUORUM, ALL...).")
    var consistency = "ONE"

    @Option(help: "Rows per page.")
    var pageSize: Int32 = 5000

    @Option(help: "Seconds to wait for each page.")
    var requestTimeout = 120.0

    func validate() throws {
        guard ProtocolConsistency(name: consistency) != nil else {
            throw ValidationError("unknown consistency level '\(consistency)'")
        }
        guard pageSize > 0 else { throw ValidationError("--page-size must be positive") }
        guard !(count && columns != nil) else { throw ValidationError("give --count or --columns, not both") }
    }

    func run() async throws {
        let client = try await connect()
        defer { client.close() }
        do {
            let report = try await SegmentRun(client: client, command: self).run()
            for line in report.lines() { Self.printError(line) }
        } catch {
            Self.printError("kvcli segment: \(error)")
            throw ExitCode(1)
        }
    }

    private func connect() async throws -> KVClient {
        let contactPoints = hosts.split(separator: ",").map { "\($0.trimmingCharacters(in: .whitespaces)):\(port)" }
        var configuration = KVClientConfiguration(defaultPort: port, requestTimeoutMs: Int64(requestTimeout * 1000),
                                                  discoversPeers: false)
        configuration.defaultConsistency = ProtocolConsistency(name: consistency)!
        do {
            return try await KVClient.connect(contactPoints: contactPoints, configuration: configuration)
        } catch {
            Self.printError("kvcli segment: cannot connect to \(contactPoints.joined(separator: ", ")): \(error)")
            throw ExitCode(2)
        }
    }

    /// Writes one line to standard error.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
