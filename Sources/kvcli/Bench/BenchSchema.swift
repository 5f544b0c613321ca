import BenchCore
import CQL
import KVClient
import KVCore

/// Creates the bench's keyspace and tables when missing, and prepares statements in it.
struct BenchSchema: Sendable {
    let client: KVClient
    let settings: BenchSettings

    /// The kv workload's table: a blob key and a blob value.
    static let kvTable = "CREATE TABLE IF NOT EXISTS kv (key blob PRIMARY KEY, value blob)"

    /// The keyspace (SimpleStrategy, `--replication-factor`) and `table`, if missing. After
    /// each change it waits until every node has the schema: the next statement may go to
    /// any node (CREATE TABLE to one that has not merged the keyspace yet failed with
    /// "Keyspace does not exist"), and statements are prepared on any node.
    func create(table: String) async throws(KVClientError) {
        let keyspace = Self.quoted(settings.keyspace)
        let created = try await client.execute("""
            CREATE KEYSPACE IF NOT EXISTS \(keyspace) WITH replication = \
            {'class': 'SimpleStrategy', 'replication_factor': \(settings.replicationFactor)}
            """)
        if case .schemaChange = created { try await waitForAgreement() }
        if client.keyspace != settings.keyspace { try await client.use(settings.keyspace) }
        if case .schemaChange = try await client.execute(table) { try await waitForAgreement() }
    }

    /// Prepares `cql` in the bench keyspace.
    func prepare(_ cql: String) async throws(KVClientError) -> PreparedStatement {
        try await client.prepare(cql, keyspace: settings.keyspace)
    }

    /// Polls the schema versions the nodes report (local and peers, whichever node answers)
    /// until they are all one, for at most 10 s: like the drivers' schema agreement wait.
    private func waitForAgreement() async throws(KVClientError) {
        for _ in 0..<100 {
            var versions = Set<String>()
            for query in ["SELECT schema_version FROM system.local", "SELECT schema_version FROM system.peers"] {
                for row in try await client.execute(query).page?.rows ?? [] {
                    versions.insert(row[0].map { "\($0)" } ?? "none")
                }
            }
            if versions.count <= 1 { return }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
