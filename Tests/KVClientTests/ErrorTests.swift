import CQL
import KVClient
import KVCore
import Testing

/// Server errors arrive typed, with their details, and read as cqlsh prints them.
@Suite struct ErrorTests {
    private func start() async throws -> TestServer {
        try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            switch Scripted.queryText(request) ?? "" {
            case "INVALID": return Scripted.error(.invalid, "unconfigured table nope")
            case "UNAVAILABLE":
                return Scripted.error(.unavailable(consistency: .quorum, required: 2, alive: 1),
                                      "Cannot achieve consistency level QUORUM")
            case "EXISTS": return Scripted.error(.alreadyExists(keyspace: "ks", table: ""), "ks exists")
            case "TIMEOUT":
                return Scripted.error(.writeTimeout(consistency: .all, received: 1, blockFor: 3, writeType: .simple),
                                      "Operation timed out")
            case "OVERLOADED": return Scripted.error(.overloaded, "busy")
            default: return .result(.void)
            }
        }
    }

    private func serverError(_ client: KVClient, _ text: String) async -> KVClientError? {
        do {
            _ = try await client.execute(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func invalidRequestIsTyped() async throws {
        let server = try await start()
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let error = try #require(await serverError(client, "INVALID")?.serverError)
        #expect(error.code == 0x2200)
        #expect(error.detail == .invalid)
        #expect(error.message == "unconfigured table nope")
        #expect(error.host == server.address)
        #expect(error.description
            == "InvalidRequest: Error from server: code=2200 [Invalid query] message=\"unconfigured table nope\"")
        await server.stop()
    }

    @Test func unavailableCarriesItsDetails() async throws {
        let server = try await start()
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let error = try #require(await serverError(client, "UNAVAILABLE")?.serverError)
        #expect(error.code == 0x1000)
        #expect(error.detail == .unavailable(consistency: .quorum, required: 2, alive: 1))
        #expect(error.description == "Unavailable: Error from server: code=1000 [Unavailable exception] "
            + "message=\"Cannot achieve consistency level QUORUM\" "
            + "info={'consistency': 'QUORUM', 'required_replicas': 2, 'alive_replicas': 1}")
        await server.stop()
    }

    @Test func otherDetailsAndRetries() async throws {
        let server = try await start()
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let exists = try #require(await serverError(client, "EXISTS")?.serverError)
        #expect(exists.detail == .alreadyExists(keyspace: "ks", table: ""))
        #expect(exists.description == "AlreadyExists: Keyspace 'ks' already exists")
        let timeout = try #require(await serverError(client, "TIMEOUT")?.serverError)
        #expect(timeout.detail == .writeTimeout(consistency: .all, received: 1, blockFor: 3, writeType: .simple))
        // Overloaded moves on to the next node; with one node, none is left.
        guard case .noHostAvailable(let causes)? = await serverError(client, "OVERLOADED") else {
            Issue.record("expected noHostAvailable")
            return
        }
        #expect(causes.first?.error.serverError?.detail == .overloaded)
        await server.stop()
    }
}
