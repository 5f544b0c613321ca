import Testing

@testable import Messaging

@Suite struct NodeAddressTests {
    @Test func parsesAndPrintsHostPort() {
        let address = NodeAddress("127.0.0.2:7000")
        #expect(address == NodeAddress(host: "127.0.0.2", port: 7000))
        #expect(address?.description == "127.0.0.2:7000")
    }

    @Test func bracketsIPv6() {
        let address = NodeAddress(host: "::1", port: 7000)
        #expect(address.description == "[::1]:7000")
        #expect(NodeAddress(address.description) == address)
    }

    @Test func rejectsMalformedText() {
        for text in ["", "host", ":7000", "host:", "host:70000", "host:-1", "host:7x", "host:+7", "[]:1"] {
            #expect(NodeAddress(text) == nil, "\(text)")
        }
        #expect(NodeAddress(String(repeating: "a", count: 256) + ":1") == nil)
    }

    @Test func verbsHaveNamesAndDistinctNumbers() {
        #expect(Set(Verb.allNamed.map(\.rawValue)).count == Verb.allNamed.count)
        #expect(Verb.mutation.description == "mutation")
        #expect(Verb(rawValue: 999).description == "verb(999)")
    }

    @Test func configurationHasATimeoutForEveryNamedVerb() {
        let configuration = MessagingConfiguration()
        for verb in Verb.allNamed {
            #expect(configuration.verbTimeouts[verb] != nil, "\(verb)")
        }
        #expect(configuration.timeout(for: .mutation) == .seconds(2))
        #expect(configuration.timeout(for: Verb(rawValue: 999)) == configuration.defaultRequestTimeout)
    }
}
