import CQL
import KVClient
import KVCore
import Testing

/// `rows(...)`: an async sequence that fetches pages with the paging state as it is consumed.
@Suite struct PagingTests {
    /// Pages of two rows over five rows; the state is the index of the next row.
    private static func page(for parameters: QueryParameters) -> ResponseMessage {
        let start = Int(parameters.pagingState?.first ?? 0)
        let size = Int(parameters.pageSize ?? 100)
        let end = min(start + size, 5)
        let rows: [[CQLValue?]] = (start..<end).map { [.int(Int32($0))] }
        return Scripted.rows([("n", .int)], rows, pagingState: end < 5 ? [UInt8(end)] : nil)
    }

    @Test func rowsSequenceFetchesThreePagesLazily() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            guard case .query(_, let parameters) = request else { return .result(.void) }
            return Self.page(for: parameters)
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        var iterator = client.rows("SELECT n FROM ks.t", options: StatementOptions(pageSize: 2)).makeAsyncIterator()
        var seen: [CQLValue?] = []
        func pageRequests() -> [QueryParameters] {
            server.messages.compactMap { message in
                if case .query(let text, let parameters) = message, text == "SELECT n FROM ks.t" { return parameters }
                return nil
            }
        }
        seen.append(try await iterator.next()?["n"])
        #expect(pageRequests().count == 1)
        seen.append(try await iterator.next()?["n"])
        #expect(pageRequests().count == 1)
        while let row = try await iterator.next() { seen.append(row["n"]) }
        #expect(seen == [.int(0), .int(1), .int(2), .int(3), .int(4)])
        let requests = pageRequests()
        #expect(requests.map(\.pagingState) == [nil, [2], [4]])
        #expect(requests.allSatisfy { $0.pageSize == 2 })
        await server.stop()
    }

    @Test func forInLoopOverPagesAndPagingStateByHand() async throws {
        let server = try await TestServer.start { request, _ in
            if let discovery = Scripted.singleNodeDiscovery(request) { return discovery }
            guard case .query(_, let parameters) = request else { return .result(.void) }
            return Self.page(for: parameters)
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        var count = 0
        for try await _ in client.rows("SELECT n FROM ks.t", options: StatementOptions(pageSize: 3)) { count += 1 }
        #expect(count == 5)
        let first = try #require(try await client.execute("SELECT n FROM ks.t", options: StatementOptions(pageSize: 3)).page)
        #expect(first.rows.count == 3)
        #expect(first.pagingState == [3])
        let second = try #require(try await client.execute(
            "SELECT n FROM ks.t", options: StatementOptions(pageSize: 3, pagingState: first.pagingState)).page)
        #expect(second.rows.map { $0["n"] } == [.int(3), .int(4)])
        #expect(second.pagingState == nil)
        await server.stop()
    }
}
