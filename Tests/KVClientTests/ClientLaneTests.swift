import CQL
@testable import KVClient
import KVCore
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// `ClientLane`: prepared statements executed with a completion on the lane's loop. Every
/// test runs on a lane of each event loop, so both the loop's own connection and a
/// connection on the other loop (reached through a future) are exercised.
@Suite struct ClientLaneTests {
    static let text = "SELECT v FROM ks.t WHERE k = ?"
    /// Keys the scripted server treats specially.
    static let slowKey: Int32 = 99
    static let invalidKey: Int32 = 13

    static func prepared(id: [UInt8] = [0x01, 0x02]) -> ResponseMessage {
        let bind = ColumnSpecification(keyspace: "ks", table: "t", name: "k", type: .int)
        let result = ColumnSpecification(keyspace: "ks", table: "t", name: "v", type: .varchar)
        return .result(.prepared(PreparedResult(id: id, bindColumns: [bind], partitionKeyIndexes: [0],
                                                resultMetadata: RowsMetadata(columns: [result]))))
    }

    /// Answers key k with k rows (no metadata), an Invalid error for `invalidKey`, and
    /// nothing for 10 s for `slowKey`. After `forget()` the next EXECUTE gets Unprepared.
    static func startServer(forgotten: Flag? = nil) async throws -> TestServer {
        try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            switch request {
            case .prepare:
                forgotten?.set(false)
                return Self.prepared()
            case .execute(let id, let parameters):
                if forgotten?.value == true {
                    return Scripted.error(.unprepared(id: id), "Prepared query not found")
                }
                guard case .positional(let values) = parameters.values, values.count == 1,
                      case .bytes(let bytes) = values[0], bytes.count == 4 else {
                    return Scripted.error(.invalid, "bad values")
                }
                let key = Int32(bigEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
                if key == slowKey { try? await Task.sleep(for: .seconds(10)) }
                if key == invalidKey { return Scripted.error(.invalid, "key 13 is unlucky") }
                let rows = (0..<Int(max(0, key))).map { _ in [Optional(Array("v".utf8))] }
                return .result(.rows(RowsResult(metadata: RowsMetadata(noMetadataColumnCount: 1), rows: rows)))
            default: return .result(.void)
            }
        }
    }

    /// A lane on each of the client's event loops.
    static func lanes(of client: KVClient) -> [ClientLane] {
        MultiThreadedEventLoopGroup.singleton.makeIterator().map { ClientLane(client: client, eventLoop: $0) }
    }

    /// Runs one `execute` on the lane's loop and waits for its completion, checking that the
    /// completion ran on that loop and not inside `execute`.
    static func execute(_ lane: ClientLane, _ statement: PreparedStatement, _ values: [CQLValue?])
        async -> Result<ResultSummary, KVClientError> {
        let outcome = await withCheckedContinuation { continuation in
            lane.eventLoop.execute {
                let returned = NIOLoopBoundBox(false, eventLoop: lane.eventLoop)
                lane.execute(statement, values) { result in
                    continuation.resume(returning: (result, lane.eventLoop.inEventLoop, returned.value))
                }
                returned.value = true
            }
        }
        #expect(outcome.1, "completion off the lane's loop")
        #expect(outcome.2, "completion ran inside execute")
        return outcome.0
    }

    @Test func successSummarizesRowsAndRepreparesOnce() async throws {
        let forgotten = Flag()
        let server = try await Self.startServer(forgotten: forgotten)
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing(connectionsPerHost: 2))
        defer { client.close() }
        try await client.openConnections()
        let statement = try await client.prepare(Self.text)
        for lane in Self.lanes(of: client) {
            #expect(try await Self.execute(lane, statement, [.int(3)]).get() == ResultSummary(kind: .rows, rowCount: 3))
            #expect(try await Self.execute(lane, statement, [.int(0)]).get() == ResultSummary(kind: .rows, rowCount: 0))
            forgotten.set(true)
            #expect(try await Self.execute(lane, statement, [.int(2)]).get() == ResultSummary(kind: .rows, rowCount: 2))
            #expect(!forgotten.value, "the lane did not re-prepare")
        }
        await server.stop()
    }

    @Test func serverErrorAndBadValuesAreReported() async throws {
        let server = try await Self.startServer()
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let statement = try await client.prepare(Self.text)
        for lane in Self.lanes(of: client) {
            let failure = await Self.execute(lane, statement, [.int(Self.invalidKey)])
            guard case .failure(.server(let error)) = failure else {
                Issue.record("expected a server error, got \(failure)")
                continue
            }
            guard case .invalid = error.detail else {
                Issue.record("expected Invalid, got \(error.detail)")
                continue
            }
            #expect(error.message == "key 13 is unlucky")
            let wrongType = await Self.execute(lane, statement, [.text("not an int")])
            guard case .failure(.invalidArgument) = wrongType else {
                Issue.record("expected an invalid argument, got \(wrongType)")
                continue
            }
            // The lane carries on after failures.
            #expect(try await Self.execute(lane, statement, [.int(1)]).get().rowCount == 1)
        }
        await server.stop()
    }

    @Test func slowResponseTimesOut() async throws {
        let server = try await Self.startServer()
        var configuration = KVClientConfiguration.testing()
        configuration.requestTimeoutMs = 500
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: configuration)
        defer { client.close() }
        let statement = try await client.prepare(Self.text)
        for lane in Self.lanes(of: client) {
            let result = await Self.execute(lane, statement, [.int(Self.slowKey)])
            guard case .failure(let error) = result else {
                Issue.record("expected a timeout, got \(result)")
                continue
            }
            #expect(error == .timeout(host: server.address, timeoutMs: 500))
        }
        await server.stop()
    }

    @Test func connectionLossCompletesEveryPendingRequest() async throws {
        let server = try await Self.startServer()
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing(connectionsPerHost: 2))
        defer { client.close() }
        try await client.openConnections()
        let statement = try await client.prepare(Self.text)
        let perLane = 20
        let outcomes = Mutex<[Result<ResultSummary, KVClientError>]>([])
        let lanes = Self.lanes(of: client)
        let values: [CQLValue?] = [.int(Self.slowKey)]
        for lane in lanes {
            lane.eventLoop.execute {
                for _ in 0..<perLane {
                    lane.execute(statement, values) { result in outcomes.withLock { $0.append(result) } }
                }
            }
        }
        let expected = perLane * lanes.count
        func slowArrived() -> Int { server.messages.filter { if case .execute = $0 { true } else { false } }.count }
        for _ in 0..<500 where slowArrived() < expected { try await Task.sleep(for: .milliseconds(10)) }
        #expect(slowArrived() == expected)
        await server.dropConnections()
        for _ in 0..<500 where outcomes.withLock({ $0.count }) < expected { try await Task.sleep(for: .milliseconds(10)) }
        let results = outcomes.withLock { $0 }
        #expect(results.count == expected, "requests left without a completion")
        for result in results {
            guard case .failure(.noHostAvailable(let causes)) = result, case .connectionClosed? = causes.first?.error else {
                Issue.record("expected the connection's loss, got \(result)")
                continue
            }
        }
        await server.stop()
    }

    @Test func requestsGoToTheNodeOwningTheTokenAndAroundADeadOne() async throws {
        let (servers, client) = try await RoutingTests.startRing()
        defer { client.close() }
        let executeCount = RoutingTests.executeCount
        // The owners RoutingTests derives from the reference Murmur3 vectors.
        let cases: [(String, [CQLValue?], Int)] = [
            ("BY TEXT", [.text("abc")], 0), ("BY INT", [.int(1)], 1), ("BY BIGINT", [.bigint(1)], 2),
            ("BY COMPOSITE", [.int(1), .text("abc")], 0),
        ]
        let lanes = Self.lanes(of: client)
        for (text, values, owner) in cases {
            let statement = try await client.prepare(text)
            let before = servers.map(executeCount)
            for lane in lanes {
                for _ in 0..<3 { #expect(try await Self.execute(lane, statement, values).get().kind == .void) }
            }
            let after = servers.map(executeCount)
            let sent = 3 * lanes.count
            #expect(after == (0..<3).map { $0 == owner ? before[$0] + sent : before[$0] }, "\(text) should go to node \(owner)")
        }
        // With the owner down, requests go to another node.
        await servers[2].stop()
        let statement = try await client.prepare("BY BIGINT")
        let before = servers.map(executeCount)
        for lane in lanes { #expect(try await Self.execute(lane, statement, [.bigint(1)]).get().kind == .void) }
        #expect(servers.map(executeCount)[0] + servers.map(executeCount)[1] == before[0] + before[1] + lanes.count)
        await servers[0].stop()
        await servers[1].stop()
    }

    /// A lane puts at most `requestsPerConnection` requests on a connection of its loop: at 1
    /// (a bench at `--in-flight 1`) concurrent requests spread over every connection instead
    /// of pipelining on a few. Each loop's lane sends as many requests as its loop has
    /// connections, all held by the server at once.
    @Test func requestsSpreadAtOnePerConnection() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            switch request {
            case .prepare: return Self.prepared()
            case .execute:
                try? await Task.sleep(for: .milliseconds(300))
                return .result(.rows(RowsResult(metadata: RowsMetadata(noMetadataColumnCount: 1), rows: [])))
            default: return .result(.void)
            }
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing(connectionsPerHost: 4))
        defer { client.close() }
        try await client.openConnections()
        let statement = try await client.prepare(Self.text)
        let pool = try #require(client.topology.withLock { $0.pools.first })
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator()).map { loop in
            (loop: loop, connections: pool.connections(onLoop: ObjectIdentifier(loop)).count)
        }.filter { $0.connections > 0 }
        #expect(loops.reduce(0) { $0 + $1.connections } == 4)
        for (perConnection, expectedConnections) in [(1, 4), (4, loops.count)] {
            let before = server.received.count
            await withTaskGroup(of: Void.self) { group in
                for (loop, count) in loops {
                    let lane = ClientLane(client: client, eventLoop: loop, requestsPerConnection: perConnection)
                    group.addTask {
                        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                            loop.execute {
                                let left = NIOLoopBoundBox(count, eventLoop: loop)
                                for _ in 0..<count {
                                    lane.execute(statement, [.int(1)]) { _ in
                                        left.value -= 1
                                        if left.value == 0 { continuation.resume() }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var used = Set<UInt64>()
            for (request, connection) in server.received[before...] {
                if case .execute = request { used.insert(connection) }
            }
            #expect(used.count == expectedConnections, "\(perConnection) per connection used \(used.count) connections")
        }
        await server.stop()
    }

    @Test func closedClientFailsWithoutSending() async throws {
        let server = try await Self.startServer()
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        let statement = try await client.prepare(Self.text)
        client.close()
        let before = server.messages.count
        for lane in Self.lanes(of: client) {
            let result = await Self.execute(lane, statement, [.int(1)])
            guard case .failure(.clientClosed) = result else {
                Issue.record("expected clientClosed, got \(result)")
                continue
            }
        }
        #expect(server.messages.count == before)
        await server.stop()
    }
}

/// A boolean shared with the scripted server.
final class Flag: Sendable {
    private let state = Atomic<Bool>(false)
    var value: Bool { state.load(ordering: .relaxed) }
    func set(_ value: Bool) { state.store(value, ordering: .relaxed) }
}
