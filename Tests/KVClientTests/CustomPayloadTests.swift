import CQL
import KVClient
import KVCore
import Testing

/// Warnings (flag 0x08) and custom payloads (flag 0x04) of response frames reach the pages
/// of `execute` and `pages(...)`.
@Suite struct CustomPayloadTests {
    private static let statsKey = "kv-scan-stats"

    /// Discovery for one node, then pages of one row each over three rows; page n carries
    /// `{"ranges_done": n}` and a warning, the last also a null payload value.
    private static func answer(_ request: RequestMessage) -> RawFrameServer.Answer {
        if let discovery = Scripted.singleNodeDiscovery(request) { return .init(message: discovery) }
        guard case .query(_, let parameters) = request else { return .init(message: .result(.void)) }
        let index = Int(parameters.pagingState?.first ?? 0)
        let last = index == 2
        var payload: [String: [UInt8]?] = [statsKey: Array("{\"ranges_done\": \(index + 1)}".utf8)]
        if last { payload["nothing"] = .some(nil) }
        return .init(message: Scripted.rows([("n", .int)], [[.int(Int32(index))]],
                                            pagingState: last ? nil : [UInt8(index + 1)]),
                     warnings: ["page \(index)"], customPayload: payload)
    }

    @Test func executeExposesWarningsAndPayloadOfTheFrame() async throws {
        let server = try await RawFrameServer.start(Self.answer)
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let page = try #require(try await client.execute("SELECT n FROM ks.t").page)
        #expect(page.rows.map { $0["n"] } == [.int(0)])
        #expect(page.warnings == ["page 0"])
        #expect(page.customPayload == [Self.statsKey: Array("{\"ranges_done\": 1}".utf8)])
        await server.stop()
    }

    @Test func everyPageKeepsItsOwnPayloadAndNullValuesAreLeftOut() async throws {
        let server = try await RawFrameServer.start(Self.answer)
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        var payloads: [String] = []
        var warnings: [String] = []
        var keys: [[String]] = []
        for try await page in client.pages("SELECT n FROM ks.t") {
            payloads.append(String(decoding: page.customPayload[Self.statsKey] ?? [], as: UTF8.self))
            warnings += page.warnings
            keys.append(page.customPayload.keys.sorted())
        }
        #expect(payloads == ["{\"ranges_done\": 1}", "{\"ranges_done\": 2}", "{\"ranges_done\": 3}"])
        #expect(warnings == ["page 0", "page 1", "page 2"])
        #expect(keys == [[Self.statsKey], [Self.statsKey], [Self.statsKey]])
        await server.stop()
    }

    @Test func aFrameWithoutFlagsHasNoWarningsAndAnEmptyPayload() async throws {
        let server = try await RawFrameServer.start { request in
            if let discovery = Scripted.singleNodeDiscovery(request) { return .init(message: discovery) }
            return .init(message: Scripted.rows([("n", .int)], [[.int(7)]]))
        }
        let client = try await KVClient.connect(contactPoints: [server.address], configuration: .testing())
        defer { client.close() }
        let page = try #require(try await client.execute("SELECT n FROM ks.t").page)
        #expect(page.warnings.isEmpty)
        #expect(page.customPayload.isEmpty)
        await server.stop()
    }
}
