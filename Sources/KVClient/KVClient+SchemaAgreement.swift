import KVCore

extension KVClient {
    /// Each reachable node's own schema version, as it reports it in `system.local`, by host.
    /// Nodes that cannot be reached are left out: requests will not go to them either.
    public func schemaVersions() async -> [String: String] {
        var versions: [String: String] = [:]
        for pool in topology.withLock({ $0.pools }) {
            guard let connection = try? await pool.connection(),
                  let row = try? await Self.systemRows("SELECT schema_version FROM system.local", on: connection).first,
                  let version = row[0] else { continue }
            versions[pool.address.description] = CQLValueFormatter.format(version)
        }
        return versions
    }

    /// Waits until every reachable node reports the same schema version, polling every
    /// 100 ms for at most `timeoutMs`; throws `.schemaDisagreement` with the versions seen
    /// when they still differ. Asking each node itself, rather than one node's gossiped view
    /// of the others, means a statement prepared next finds the new tables on any node.
    public func waitForSchemaAgreement(timeoutMs: Int64 = 30_000) async throws(KVClientError) {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(timeoutMs)
        while true {
            let versions = await schemaVersions()
            if Set(versions.values).count <= 1 { return }
            if clock.now >= deadline { throw .schemaDisagreement(versions: versions) }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
