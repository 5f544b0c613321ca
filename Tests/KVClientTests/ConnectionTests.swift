import CQL
@testable import KVClient
import KVCore
import Synchronization
import Testing

/// Connecting, discovery, round trips and concurrency against an in-process server.
@Suite struct ConnectionTests {
    @Test func connectDiscoversLocalNodeAndPeers() async throws {
        let server = try await TestServer.start { request, _ in
            switch Scripted.queryText(request) ?? "" {
            case let text where text.contains("system.local"): return Scripted.local(tokens: [-100, 100], hostID: 1)
            case let text where text.contains("system.peers"):
                return Scripted.peers([(port: 9999, tokens: [0], hostID: 2), (port: 9998, tokens: [50, 500], hostID: 3)])
            default: return .result(.void)
            }
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let hosts = client.hosts
        #expect(hosts.map(\.address.description) == [server.address, "127.0.0.1:9999", "127.0.0.1:9998"])
        #expect(hosts[0].tokens == [Token(-100), Token(100)])
        #expect(hosts[2].tokens == [Token(50), Token(500)])
        #expect(hosts[1].hostID == CQLUUID(high: 2, low: 1))
        #expect(hosts.allSatisfy { $0.datacenter == "dc1" })
        await server.stop()
    }

    @Test func queryRoundTripDecodesValues() async throws {
        let id = CQLUUID(high: 0x0123_4567_89AB_CDEF, low: 0x0011_2233_4455_6677)
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            return Scripted.rows(
                [("k", .int), ("name", .varchar), ("id", .uuid), ("scores", .list(.int)),
                 ("attrs", .map(key: .varchar, value: .bigint)), ("missing", .double)],
                [[.int(7), .text("alice"), .uuid(id), .list([.int(1), .int(2)]),
                  .map([CQLMapEntry(key: .text("a"), value: .bigint(1))]), nil]])
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let result = try await client.execute("SELECT * FROM ks.t WHERE k = ?", [.int(7)],
                                              options: StatementOptions(consistency: .quorum))
        let page = try #require(result.page)
        #expect(page.columns.names == ["k", "name", "id", "scores", "attrs", "missing"])
        #expect(page.rows.count == 1)
        let row = page.rows[0]
        #expect(row["k"] == .int(7))
        #expect(row["name"] == .text("alice"))
        #expect(row["id"] == .uuid(id))
        #expect(row["scores"] == .list([.int(1), .int(2)]))
        #expect(row[4] == .map([CQLMapEntry(key: .text("a"), value: .bigint(1))]))
        #expect(row["missing"] == nil)
        guard case .query(_, let parameters) = server.messages.last else {
            Issue.record("expected a QUERY")
            return
        }
        #expect(parameters.consistency == .quorum)
        #expect(parameters.values == .positional([.bytes([0, 0, 0, 7])]))
        await server.stop()
    }

    @Test(arguments: [32_768, 8])
    func manyConcurrentRequestsShareOneConnection(maxStreams: Int) async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            let text = Scripted.queryText(request) ?? ""
            return Scripted.rows([("echo", .varchar)], [[.text(text)]])
        }
        var configuration = KVClientConfiguration.testing()
        configuration.maxStreamsPerConnection = maxStreams
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: configuration)
        defer { client.close() }
        let requestCount = 500
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<requestCount {
                group.addTask {
                    let page = try #require(try await client.execute("SELECT \(index)").page)
                    #expect(page.rows.first?["echo"] == .text("SELECT \(index)"))
                }
            }
            try await group.waitForAll()
        }
        let connections = Set(server.received.map(\.1))
        #expect(connections.count == 1)
        #expect(server.messages.count == requestCount + 2)
        await server.stop()
    }

    @Test func serverClosingTheConnectionFailsPendingRequestsThenReconnects() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            if Scripted.queryText(request) == "SLOW" { try? await Task.sleep(for: .seconds(10)) }
            return .result(.void)
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        async let slow: QueryResult = client.execute("SLOW")
        while !server.messages.contains(.query("SLOW", QueryParameters(consistency: .one))) {
            try await Task.sleep(for: .milliseconds(5))
        }
        await server.dropConnections()
        do {
            _ = try await slow
            Issue.record("the request survived its connection")
        } catch let error as KVClientError {
            guard case .noHostAvailable(let causes) = error, case .connectionClosed = causes.first?.error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(causes.count == 1)
        }
        // The next request opens a new connection.
        var reconnected = false
        for _ in 0..<100 where !reconnected {
            if case .void? = try? await client.execute("FAST") { reconnected = true } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(reconnected)
        await server.stop()
    }

    @Test func slowResponseTimesOut() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            if Scripted.queryText(request) == "SLOW" { try? await Task.sleep(for: .seconds(10)) }
            return .result(.void)
        }
        // A timeout generous enough that FAST never hits it with every suite running at once.
        var configuration = KVClientConfiguration.testing()
        configuration.requestTimeoutMs = 1000
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: configuration)
        defer { client.close() }
        let start = ContinuousClock.now
        await #expect(throws: KVClientError.timeout(host: server.address, timeoutMs: 1000)) {
            try await client.execute("SLOW")
        }
        // Timeouts are swept every 100 ms (a tenth of the shortest timeout, at most 100 ms).
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(1000) && waited < .milliseconds(3000))
        // The connection stays usable; the late response is discarded.
        if case .void = try await client.execute("FAST") {} else { Issue.record("expected void") }
        await server.stop()
    }

    @Test func connectionWithTooManyUnansweredRequestsIsReplaced() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            if Scripted.queryText(request) == "SLOW" { try? await Task.sleep(for: .seconds(10)) }
            return .result(.void)
        }
        var configuration = KVClientConfiguration.testing()
        configuration.requestTimeoutMs = 1000
        configuration.maxStreamsPerConnection = 2
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: configuration)
        defer { client.close() }
        await withTaskGroup(of: KVClientError?.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    do throws(KVClientError) {
                        _ = try await client.execute("SLOW")
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            for await error in group {
                guard case .timeout? = error else {
                    Issue.record("expected a timeout, got \(String(describing: error))")
                    continue
                }
            }
        }
        // Both ids are orphaned: the connection is closed and the next request opens another.
        var answered = false
        for _ in 0..<100 where !answered {
            if case .void? = try? await client.execute("FAST") { answered = true } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(answered)
        #expect(Set(server.received.map(\.1)).count == 2)
        await server.stop()
    }

    @Test func unreachableContactPointIsReportedPerHost() async throws {
        let server = try await TestServer.start { _, _ in .result(.void) }
        let address = server.address
        await server.stop()
        do {
            _ = try await KVClient.connect(contactPoints: [address], configuration: .testing())
            Issue.record("connected to a closed port")
        } catch {
            guard case .noHostAvailable(let causes) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(causes.map(\.host) == [address])
            if case .connectionClosed = causes[0].error {} else { Issue.record("cause \(causes[0].error)") }
        }
    }

    @Test func lz4CompressionIsNegotiatedAndUsed() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            return Scripted.rows([("v", .varchar)], [[.text(String(repeating: "x", count: 1000))]])
        }
        var configuration = KVClientConfiguration.testing()
        configuration.compression = .lz4
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: configuration)
        defer { client.close() }
        let page = try #require(try await client.execute("SELECT v FROM ks.t", [.text("y")]).page)
        #expect(page.rows.first?["v"] == .text(String(repeating: "x", count: 1000)))
        await server.stop()
    }

    @Test func useSwitchesEveryConnection() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            if let text = Scripted.queryText(request), text.hasPrefix("USE ") {
                return .result(.setKeyspace(String(text.dropFirst(5).filter { $0 != "\"" })))
            }
            return .result(.void)
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing(connectionsPerHost: 2))
        defer { client.close() }
        try await client.use("Profiles")
        #expect(client.keyspace == "Profiles")
        for _ in 0..<4 { _ = try await client.execute("INSERT") }
        let uses = server.messages.compactMap(Scripted.queryText).filter { $0.hasPrefix("USE") }
        #expect(uses.allSatisfy { $0 == "USE \"Profiles\"" })
        await server.stop()
    }
}
