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
    /// each statement it waits until every node reports one schema (the client's
    /// `waitForSchemaAgreement`, 30 s at most), even when the statement changed nothing: another
    /// bench process may have just created the table on one node. The next statement may go
    /// to any node (CREATE TABLE to one that has not merged the keyspace yet fails with
    /// "Keyspace does not exist"), and statements are prepared on any node.
    func create(table: String) async throws(KVClientError) {
        let keyspace = Self.quoted(settings.keyspace)
        _ = try await client.execute("""
            CREATE KEYSPACE IF NOT EXISTS \(keyspace) WITH replication = \
            {'class': 'SimpleStrategy', 'replication_factor': \(settings.replicationFactor)}
            """)
        try await client.waitForSchemaAgreement()
        if client.keyspace != settings.keyspace { try await client.use(settings.keyspace) }
        _ = try await client.execute(table)
        try await client.waitForSchemaAgreement()
    }

    /// Prepares `cql` in the bench keyspace.
    func prepare(_ cql: String) async throws(KVClientError) -> PreparedStatement {
        try await client.prepare(cql, keyspace: settings.keyspace)
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
