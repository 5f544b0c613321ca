import CQL
import KVClient
import KVCore
import Synchronization
import Testing

/// Prepared statements: the cache, binding, and re-preparing after Unprepared.
@Suite struct PreparedStatementTests {
    static let statementID: [UInt8] = [0xAB, 0xCD]
    static let text = "SELECT v FROM ks.t WHERE k = ?"

    static func prepared() -> ResponseMessage {
        let bind = ColumnSpecification(keyspace: "ks", table: "t", name: "k", type: .int)
        let result = ColumnSpecification(keyspace: "ks", table: "t", name: "v", type: .varchar)
        return .result(.prepared(PreparedResult(id: statementID, bindColumns: [bind], partitionKeyIndexes: [0],
                                                resultMetadata: RowsMetadata(columns: [result]))))
    }

    @Test func preparedStatementsAreCachedAndRepreparedAfterUnprepared() async throws {
        let forgotten = Mutex(false)
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            switch request {
            case .prepare:
                forgotten.withLock { $0 = false }
                return Self.prepared()
            case .execute(let id, let parameters):
                if forgotten.withLock({ $0 }) { return Scripted.error(.unprepared(id: id), "Prepared query not found") }
                guard case .positional(let values) = parameters.values, values.count == 1 else {
                    return Scripted.error(.invalid, "bad values")
                }
                // The prepared result described the columns, so the client asks for none.
                guard parameters.skipMetadata else { return Scripted.error(.invalid, "metadata not skipped") }
                // Answer without metadata: the client must use the prepared result's columns.
                let rows = RowsResult(metadata: RowsMetadata(noMetadataColumnCount: 1), rows: [[Array("v".utf8)]])
                return .result(.rows(rows))
            default: return .result(.void)
            }
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let statement = try await client.prepare(Self.text)
        let again = try await client.prepare(Self.text)
        #expect(statement == again)
        #expect(statement.partitionKeyIndexes == [0])
        func prepareCount() -> Int { server.messages.filter { if case .prepare = $0 { true } else { false } }.count }
        #expect(prepareCount() == 1)

        let first = try #require(try await client.execute(statement, [.int(1)]).page)
        #expect(first.rows.first?["v"] == .text("v"))

        forgotten.withLock { $0 = true }
        let second = try #require(try await client.execute(statement, [.int(2)]).page)
        #expect(second.rows.first?["v"] == .text("v"))
        #expect(prepareCount() == 2)
        await server.stop()
    }

    @Test func bindingChecksCountAndTypes() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            return Self.prepared()
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let statement = try await client.prepare(Self.text)
        await #expect(throws: KVClientError.self) { try await client.execute(statement, []) }
        await #expect(throws: KVClientError.self) { try await client.execute(statement, [.text("not an int")]) }
        #expect(try statement.bind([nil]) == [.null])
        #expect(try statement.bind([.int(1)]) == [.bytes([0, 0, 0, 1])])
        #expect(statement.routingKey([.bytes([0, 0, 0, 1])]) == [0, 0, 0, 1])
        #expect(statement.routingKey([.null]) == nil)
        await server.stop()
    }
}
