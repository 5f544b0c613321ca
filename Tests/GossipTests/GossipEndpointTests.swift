import Gossip
import Testing

@Suite struct GossipEndpointTests {
    @Test func parsesWhatItPrints() {
        for endpoint in [GossipEndpoint(host: "10.0.0.1", port: 7000), GossipEndpoint(host: "::1", port: 7001),
                         GossipEndpoint(host: "node-a.example.com", port: 0)] {
            #expect(GossipEndpoint(parsing: endpoint.description) == endpoint)
        }
        #expect(GossipEndpoint(host: "::1", port: 7001).description == "[::1]:7001")
    }

    @Test(arguments: ["", "10.0.0.1", "10.0.0.1:", ":7000", "10.0.0.1:70000", "10.0.0.1:-1", "[]:7000"])
    func rejectsMalformedText(_ text: String) {
        #expect(GossipEndpoint(parsing: text) == nil)
    }

    @Test func ordersByHostBytesThenPort() {
        let sorted = [
            GossipEndpoint(host: "10.0.0.1", port: 7000),
            GossipEndpoint(host: "10.0.0.1", port: 7001),
            GossipEndpoint(host: "10.0.0.10", port: 1),
            GossipEndpoint(host: "10.0.0.2", port: 1),
            GossipEndpoint(host: "node-long-name-prefix-a.example.com", port: 9),
            GossipEndpoint(host: "node-long-name-prefix-b.example.com", port: 1),
            GossipEndpoint(host: "é", port: 1),
        ]
        #expect(sorted.reversed().sorted() == sorted)
        #expect(sorted.shuffled().sorted() == sorted)
    }

    @Test func equalityAndHashingFollowHostAndPort() {
        let first = GossipEndpoint(host: "node-long-name-prefix-a.example.com", port: 7000)
        let same = GossipEndpoint(host: String("node-long-name-prefix-a.example.com".reversed().reversed()), port: 7000)
        let otherTail = GossipEndpoint(host: "node-long-name-prefix-b.example.com", port: 7000)
        #expect(first == same && first.hashValue == same.hashValue)
        #expect(first != otherTail)
        #expect(first != GossipEndpoint(host: first.host, port: 7001))
        #expect(Set([first, same, otherTail]).count == 2)
    }
}
