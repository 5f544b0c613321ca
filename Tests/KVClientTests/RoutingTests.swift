import CQL
@testable import KVClient
import KVCore
import Synchronization
import Testing

/// Token-aware routing across three in-process nodes on distinct ports, each reporting its
/// own tokens in `system.local` and the other two in `system.peers`.
@Suite struct RoutingTests {
    /// Node tokens chosen around the compatibility reference's Murmur3 test vectors:
    /// text 'abc' → −5434086359492102041 (node 0), int 1 → −4069959284402364209 (node 1),
    /// bigint 1 → 6292367497774912474 (node 2), (int 1, text 'abc') → 8771735466527499816
    /// (past the last token: wraps to node 0).
    static let nodeTokens: [[Int64]] = [[-5_000_000_000_000_000_000], [0], [7_000_000_000_000_000_000]]

    static let statements: [String: [(String, DataTypeOption)]] = [
        "BY INT": [("k", .int)],
        "BY BIGINT": [("k", .bigint)],
        "BY TEXT": [("k", .varchar)],
        "BY COMPOSITE": [("a", .int), ("b", .varchar)],
    ]

    static func script(node: Int, ports: PortList) -> TestServer.Script {
        { request, _ in
            switch request {
            case .query(let text, _) where text.contains("system.local"):
                return Scripted.local(tokens: nodeTokens[node], hostID: UInt64(node + 1))
            case .query(let text, _) where text.contains("system.peers"):
                let all = ports.ports.withLock { $0 }
                let peers = (0..<3).filter { $0 != node }.map {
                    (port: all[$0], tokens: nodeTokens[$0], hostID: UInt64($0 + 1))
                }
                return Scripted.peers(peers)
            case .prepare(let text):
                let columns = (statements[text] ?? []).map {
                    ColumnSpecification(keyspace: "ks", table: "t", name: $0.0, type: $0.1)
                }
                return .result(.prepared(PreparedResult(
                    id: Array(text.utf8), bindColumns: columns,
                    partitionKeyIndexes: columns.indices.map(UInt16.init),
                    resultMetadata: RowsMetadata(noMetadataColumnCount: 0))))
            default:
                return .result(.void)
            }
        }
    }

    /// Three servers answering as a ring (`script`), and a client connected through the second.
    static func startRing() async throws -> (servers: [TestServer], client: KVClient) {
        let ports = PortList()
        var servers: [TestServer] = []
        for node in 0..<3 { servers.append(try await TestServer.start(script(node: node, ports: ports))) }
        ports.ports.withLock { $0 = servers.map(\.port) }
        let client = try await KVClient.connect(contactPoints: [servers[1].address], configuration: .testing())
        return (servers, client)
    }

    /// How many EXECUTE requests a server has received.
    static func executeCount(_ server: TestServer) -> Int {
        server.messages.filter { if case .execute = $0 { true } else { false } }.count
    }

    @Test func preparedStatementsGoToTheNodeOwningTheToken() async throws {
        let (servers, client) = try await Self.startRing()
        defer { client.close() }
        #expect(Set(client.hosts.map(\.address.port)) == Set(servers.map(\.port)))

        let cases: [(String, [CQLValue?], Int)] = [
            ("BY TEXT", [.text("abc")], 0), ("BY INT", [.int(1)], 1), ("BY BIGINT", [.bigint(1)], 2),
            ("BY COMPOSITE", [.int(1), .text("abc")], 0),
        ]
        for (text, values, owner) in cases {
            let statement = try await client.prepare(text)
            let before = servers.map(Self.executeCount)
            for _ in 0..<5 { _ = try await client.execute(statement, values) }
            let after = servers.map(Self.executeCount)
            let expected = (0..<3).map { $0 == owner ? before[$0] + 5 : before[$0] }
            #expect(after == expected, "\(text) should go to node \(owner)")
        }
        #expect(client.owner(ofRoutingKey: [0, 0, 0, 1]) == HostAddress(host: "127.0.0.1", port: servers[1].port))

        // With the owner down, requests go to the next node.
        await servers[2].stop()
        let statement = try await client.prepare("BY BIGINT")
        for _ in 0..<3 { _ = try await client.execute(statement, [.bigint(1)]) }
        await servers[0].stop()
        await servers[1].stop()
    }

    @Test func tokenMapOwnerIsFirstTokenAtOrAboveWrapping() {
        let hosts = [
            ClusterHost(address: HostAddress(host: "a", port: 1), tokens: [Token(-10), Token(50)]),
            ClusterHost(address: HostAddress(host: "b", port: 1), tokens: [Token(0)]),
        ]
        let map = TokenMap(hosts: hosts)
        #expect(map.owner(of: Token(-10)) == 0)
        #expect(map.owner(of: Token(-9)) == 1)
        #expect(map.owner(of: Token(0)) == 1)
        #expect(map.owner(of: Token(1)) == 0)
        #expect(map.owner(of: Token(51)) == 0)
        #expect(map.owner(of: Token(Int64.min)) == 0)
        #expect(TokenMap(hosts: []).owner(of: Token(0)) == nil)
    }

    @Test func queryPlanPutsTheOwnerFirstAndRotatesTheRest() {
        #expect(Array(QueryPlan(hostCount: 3, preferred: 2, rotation: 0)) == [2, 0, 1])
        #expect(Array(QueryPlan(hostCount: 3, preferred: nil, rotation: 1)) == [1, 2, 0])
        #expect(Array(QueryPlan(hostCount: 3, preferred: 1, rotation: 5)) == [1, 2, 0])
        #expect(Array(QueryPlan(hostCount: 0, preferred: nil, rotation: 0)) == [])
    }

    @Test func hostAddressParsing() {
        #expect(HostAddress(parsing: "10.0.0.1", defaultPort: 9042) == HostAddress(host: "10.0.0.1", port: 9042))
        #expect(HostAddress(parsing: " node:9043 ", defaultPort: 9042) == HostAddress(host: "node", port: 9043))
        #expect(HostAddress(parsing: "[::1]:9000", defaultPort: 9042) == HostAddress(host: "::1", port: 9000))
        #expect(HostAddress(parsing: "host:x", defaultPort: 9042) == nil)
        #expect(HostAddress(parsing: "", defaultPort: 9042) == nil)
    }
}

/// The ports of the test nodes, filled in once all have started.
final class PortList: Sendable {
    let ports = Mutex<[Int]>([])
}
