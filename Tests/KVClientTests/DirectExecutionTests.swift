import CQL
@testable import KVClient
import KVCore
import NIOCore
import NIOPosix
import Testing

/// `DirectExecution`: a lane request's first try, encoded in place on a connection of the
/// lane's loop. What the lane would try again comes back as `.needsFullPath`; the rest is
/// the same outcome `ClientLane.execute` delivers. Uses `ClientLaneTests`' scripted server.
@Suite struct DirectExecutionTests {
    /// What one `send` did: nil when it sent nothing, else the outcome, checked to arrive on
    /// the lane's loop and not inside `send`.
    static func send(_ lane: ClientLane, _ statement: PreparedStatement, _ values: [CQLValue?]) async throws
        -> DirectExecution.Outcome? {
        let bound = try statement.bind(values)
        let outcome: (DirectExecution.Outcome?, Bool, Bool) = await withCheckedContinuation { continuation in
            lane.eventLoop.execute {
                let returned = NIOLoopBoundBox(false, eventLoop: lane.eventLoop)
                let direct = DirectExecution(lane: lane) { outcome in
                    continuation.resume(returning: (outcome, lane.eventLoop.inEventLoop, returned.value))
                }
                if !direct.send(statement, bound: bound, consistency: nil) {
                    continuation.resume(returning: (nil, true, true))
                }
                returned.value = true
            }
        }
        #expect(outcome.1, "outcome off the lane's loop")
        #expect(outcome.2, "outcome delivered inside send")
        return outcome.0
    }

    /// The lane of the loop that holds the client's one connection, and one of a loop with none.
    static func lanes(of client: KVClient) throws -> (connected: ClientLane, unconnected: ClientLane) {
        let pool = try #require(client.topology.withLock { $0.pools.first })
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let connected = try #require(loops.first { !pool.connections(onLoop: ObjectIdentifier($0)).isEmpty })
        let unconnected = try #require(loops.first { pool.connections(onLoop: ObjectIdentifier($0)).isEmpty })
        return (ClientLane(client: client, eventLoop: connected), ClientLane(client: client, eventLoop: unconnected))
    }

    @Test func answersAreTheLanesAndRetriesComeBack() async throws {
        let forgotten = Flag()
        let server = try await ClientLaneTests.startServer(forgotten: forgotten)
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing(connectionsPerHost: 1))
        defer { client.close() }
        try await client.openConnections()
        let statement = try await client.prepare(ClientLaneTests.text)
        let (lane, elsewhere) = try Self.lanes(of: client)

        guard case .finished(let rows)? = try await Self.send(lane, statement, [.int(3)]) else {
            Issue.record("expected an answer")
            return
        }
        #expect(try rows.get() == ResultSummary(kind: .rows, rowCount: 3))

        let invalid = try await Self.send(lane, statement, [.int(ClientLaneTests.invalidKey)])
        guard case .finished(.failure(.server(let error)))? = invalid, case .invalid = error.detail else {
            Issue.record("expected Invalid, got \(String(describing: invalid))")
            return
        }
        #expect(error.message == "key 13 is unlucky")
        #expect(error.host == server.address.description)

        // Unprepared is the lane's to handle (it re-prepares): it comes back.
        forgotten.set(true)
        guard case .needsFullPath? = try await Self.send(lane, statement, [.int(2)]) else {
            Issue.record("expected Unprepared to come back")
            return
        }
        #expect(try await ClientLaneTests.execute(lane, statement, [.int(2)]).get().rowCount == 2)
        #expect(!forgotten.value, "the lane did not re-prepare")

        // A loop with no connection of its own sends nothing: the lane reaches the node.
        #expect(try await Self.send(elsewhere, statement, [.int(1)]) == nil)
        let before = server.messages.count
        #expect(try await ClientLaneTests.execute(elsewhere, statement, [.int(1)]).get().rowCount == 1)
        #expect(server.messages.count == before + 1)
        await server.stop()
    }

    @Test func timeoutIsAnOutcomeAndALostConnectionComesBack() async throws {
        let server = try await ClientLaneTests.startServer()
        var configuration = KVClientConfiguration.testing(connectionsPerHost: 1)
        configuration.requestTimeoutMs = 500
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: configuration)
        defer { client.close() }
        try await client.openConnections()
        let statement = try await client.prepare(ClientLaneTests.text)
        let (lane, _) = try Self.lanes(of: client)

        let slow = try await Self.send(lane, statement, [.int(ClientLaneTests.slowKey)])
        guard case .finished(.failure(let error))? = slow else {
            Issue.record("expected a timeout, got \(String(describing: slow))")
            return
        }
        #expect(error == .timeout(host: server.address, timeoutMs: 500))

        async let lost = Self.send(lane, statement, [.int(ClientLaneTests.slowKey)])
        for _ in 0..<500 where server.messages.filter({ if case .execute = $0 { true } else { false } }).count < 2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        await server.dropConnections()
        guard case .needsFullPath? = try await lost else {
            Issue.record("expected the lost connection to come back")
            return
        }
        await server.stop()
    }
}
