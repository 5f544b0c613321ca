import CQL
@testable import KVClient
import KVCore
import Synchronization
import Testing

/// `waitForSchemaAgreement` asks every node for its own schema version: three in-process
/// nodes, each answering `system.local`'s `schema_version` from `versions`.
@Suite struct SchemaAgreementTests {
    /// The schema version each node reports, by node index.
    final class Versions: Sendable {
        let byNode: Mutex<[String]>
        init(_ versions: [String]) { byNode = Mutex(versions) }
        func set(_ node: Int, _ version: String) { byNode.withLock { $0[node] = version } }
    }

    static func script(node: Int, ports: PortList, versions: Versions) -> TestServer.Script {
        let ring = RoutingTests.script(node: node, ports: ports)
        return { request, context in
            if let text = Scripted.queryText(request), text.contains("schema_version") {
                let version = versions.byNode.withLock { $0[node] }
                return Scripted.rows([("schema_version", .varchar)], [[.text(version)]], keyspace: "system", table: "local")
            }
            return await ring(request, context)
        }
    }

    static func startRing(_ versions: Versions) async throws -> (servers: [TestServer], client: KVClient) {
        let ports = PortList()
        var servers: [TestServer] = []
        for node in 0..<3 { servers.append(try await TestServer.start(script(node: node, ports: ports, versions: versions))) }
        ports.ports.withLock { $0 = servers.map(\.port) }
        let client = try await KVClient.connect(contactPoints: [servers[0].address], configuration: .testing())
        return (servers, client)
    }

    static func versionQueries(_ server: TestServer) -> Int {
        server.messages.filter { Scripted.queryText($0)?.contains("schema_version") == true }.count
    }

    @Test func waitsUntilTheLaggingNodeReportsTheSameVersion() async throws {
        let versions = Versions(["b", "b", "a"])
        let (servers, client) = try await Self.startRing(versions)
        defer { client.close() }
        #expect(Set(await client.schemaVersions().values) == ["a", "b"])

        let lagging = Task {
            try await Task.sleep(for: .milliseconds(300))
            versions.set(2, "b")
        }
        try await client.waitForSchemaAgreement(timeoutMs: 10_000)
        #expect(versions.byNode.withLock { $0 } == ["b", "b", "b"], "returned while node 2 still reported another version")
        #expect(Self.versionQueries(servers[2]) >= 2, "node 2 itself was asked again")
        try await lagging.value
        for server in servers { await server.stop() }
    }

    @Test func throwsWithTheVersionsSeenWhenTheNodesNeverAgree() async throws {
        let (servers, client) = try await Self.startRing(Versions(["a", "a", "c"]))
        defer { client.close() }
        await #expect(throws: KVClientError.schemaDisagreement(versions: [
            servers[0].address: "a", servers[1].address: "a", servers[2].address: "c",
        ])) {
            try await client.waitForSchemaAgreement(timeoutMs: 300)
        }
        for server in servers { await server.stop() }
    }

    @Test func anUnreachableNodeIsLeftOut() async throws {
        let (servers, client) = try await Self.startRing(Versions(["a", "a", "c"]))
        defer { client.close() }
        await servers[2].stop()
        try await client.waitForSchemaAgreement(timeoutMs: 5_000)
        #expect(await client.schemaVersions() == [servers[0].address: "a", servers[1].address: "a"])
        await servers[0].stop()
        await servers[1].stop()
    }
}
