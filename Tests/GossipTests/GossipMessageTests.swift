import Gossip
import KVCore
import Testing

@Suite struct GossipMessageTests {
    static let alpha = GossipEndpoint(host: "10.0.0.1", port: 7000)
    static let beta = GossipEndpoint(host: "node-b.example.com", port: 7001)
    static let gamma = GossipEndpoint(host: "fe80::1", port: 65535)

    static let fullState = EndpointState(
        heartbeat: HeartbeatState(generation: 1_700_000_000, version: 42),
        applicationStates: [
            .status: VersionedValue(value: "NORMAL", version: 3),
            .tokens: VersionedValue(value: TokenListValue.string(from: [Int64.min, -1, 0, Int64.max]), version: 2),
            .datacenter: VersionedValue(value: "東京-1", version: 4),
            .hostID: VersionedValue(value: "6f1a0c52-3b7e-4f0e-9a55-0c1d2e3f4a5b", version: 1),
            .load: VersionedValue(value: "", version: 40),
            ApplicationStateKey(rawValue: 200): VersionedValue(value: "from a newer release", version: 41),
        ])

    static let samples: [GossipMessage] = [
        .syn(GossipSyn(clusterName: "Test Cluster", digests: [
            GossipDigest(endpoint: alpha, generation: 1_700_000_000, maxVersion: 42),
            GossipDigest(endpoint: gamma, generation: 0, maxVersion: Int64.max),
        ])),
        .syn(GossipSyn(clusterName: "", digests: [])),
        .ack(GossipAck(requests: [GossipDigest(endpoint: beta, generation: 5, maxVersion: 0)],
                       states: [alpha: fullState, gamma: EndpointState(heartbeat: HeartbeatState(generation: 1, version: 0))])),
        .ack2(GossipAck2(states: [beta: fullState])),
        .ack2(GossipAck2(states: [:])),
        .shutdown(GossipShutdown(state: fullState)),
    ]

    @Test(arguments: samples)
    func roundTrips(_ message: GossipMessage) throws {
        let bytes = message.encode()
        #expect(try GossipMessage.decode(bytes) == message)
    }

    @Test func equalMessagesEncodeEqually() {
        var reversed: [GossipEndpoint: EndpointState] = [:]
        for endpoint in [Self.gamma, Self.beta, Self.alpha] { reversed[endpoint] = Self.fullState }
        var forward: [GossipEndpoint: EndpointState] = [:]
        for endpoint in [Self.alpha, Self.beta, Self.gamma] { forward[endpoint] = Self.fullState }
        #expect(GossipMessage.ack2(GossipAck2(states: forward)).encode() == GossipMessage.ack2(GossipAck2(states: reversed)).encode())
    }

    /// The layout of FORMAT.md, byte by byte.
    @Test func synMatchesTheDocumentedLayout() {
        let syn = GossipMessage.syn(GossipSyn(clusterName: "c", digests: [
            GossipDigest(endpoint: GossipEndpoint(host: "h", port: 7000), generation: 300, maxVersion: 5),
        ]))
        let expected: [UInt8] = [
            1, 1,               // format version 1, kind Syn
            1, 0x63,            // cluster name "c"
            1,                  // one digest
            1, 0x68,            // host "h"
            0xD8, 0x36,         // port 7000
            0xAC, 0x02,         // generation 300
            5,                  // max version 5
        ]
        #expect(syn.encode() == expected)
    }

    @Test func shutdownMatchesTheDocumentedLayout() {
        let state = EndpointState(heartbeat: HeartbeatState(generation: 2, version: 3),
                                  applicationStates: [.status: VersionedValue(value: "shutdown", version: 4)])
        let expected: [UInt8] = [1, 4, 2, 3, 1, 1, 4, 8] + Array("shutdown".utf8)
        #expect(GossipMessage.shutdown(GossipShutdown(state: state)).encode() == expected)
    }

    @Test(arguments: samples)
    func everyTruncationThrows(_ message: GossipMessage) {
        let bytes = message.encode()
        for length in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try GossipMessage.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func randomBytesNeverTrap() throws {
        let random = SeededRandomSource(seed: 99)
        var decoded = 0
        for _ in 0..<5000 {
            let length = random.next(in: 0..<64)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
            // Start most inputs like a real message so that the body parsers get exercised.
            if length >= 2 && random.chance(0.8) {
                bytes[0] = 1
                bytes[1] = UInt8(1 + random.next(in: 0..<4))
            }
            if let message = try? GossipMessage.decode(bytes) {
                decoded += 1
                #expect(try GossipMessage.decode(message.encode()) == message)
            }
        }
        #expect(decoded < 5000)
    }

    @Test(arguments: samples)
    func flippedBytesNeverTrap(_ message: GossipMessage) throws {
        let bytes = message.encode()
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[index] ^= mask
                if let decoded = try? GossipMessage.decode(damaged) {
                    #expect(try GossipMessage.decode(decoded.encode()) == decoded)
                }
            }
        }
    }

    @Test func hugeCountsAndLengthsThrowAtOnce() {
        let hugeVarint: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]   // 2^32 - 1
        let cases: [[UInt8]] = [
            [1, 1, 0] + hugeVarint,              // Syn with 4 billion digests
            [1, 1] + hugeVarint + [0x61],        // cluster name of 4 GB
            [1, 2] + hugeVarint,                 // Ack with 4 billion requests
            [1, 3] + hugeVarint,                 // Ack2 with 4 billion states
            [1, 4, 1, 1] + hugeVarint,           // Shutdown state with 4 billion values
            [1, 1, 0, 1, 1, 0x68] + [0x80, 0x80, 0x04] + [1, 1],   // port 65536
            [1, 4] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] + [0, 0],   // generation 2^64 - 1
            [1, 4] + Array(repeating: 0xFF, count: 11),   // an 11-byte varint
        ]
        for bytes in cases {
            #expect(throws: DecodeError.self) { try GossipMessage.decode(bytes) }
        }
    }

    @Test func unknownVersionKindAndTrailingBytesThrow() {
        let valid = GossipMessage.ack2(GossipAck2(states: [:])).encode()
        #expect(throws: DecodeError.malformed(offset: 0, reason: "unknown gossip format version 2")) {
            try GossipMessage.decode([2] + valid.dropFirst())
        }
        #expect(throws: DecodeError.malformed(offset: 1, reason: "unknown gossip message kind 9")) {
            try GossipMessage.decode([1, 9, 0])
        }
        #expect(throws: DecodeError.self) { try GossipMessage.decode(valid + [0]) }
        #expect(throws: DecodeError.self) { try GossipMessage.decode([]) }
    }

    @Test func limitsFromTheConfigurationApply() throws {
        var configuration = GossipConfiguration()
        configuration.maxEndpointsPerMessage = 2
        configuration.maxValueBytes = 8
        configuration.maxClusterNameBytes = 4
        configuration.maxHostBytes = 3
        let threeDigests = GossipMessage.syn(GossipSyn(clusterName: "c", digests: (1...3).map {
            GossipDigest(endpoint: GossipEndpoint(host: "h\($0)", port: 1), generation: 1, maxVersion: 1)
        }))
        let longValue = GossipMessage.shutdown(GossipShutdown(state: EndpointState(
            heartbeat: HeartbeatState(generation: 1, version: 1),
            applicationStates: [.rack: VersionedValue(value: "123456789", version: 1)])))
        let longName = GossipMessage.syn(GossipSyn(clusterName: "12345", digests: []))
        let longHost = GossipMessage.ack2(GossipAck2(states: [
            GossipEndpoint(host: "abcd", port: 1): EndpointState(heartbeat: HeartbeatState(generation: 1, version: 1)),
        ]))
        for message in [threeDigests, longValue, longName, longHost] {
            #expect(throws: DecodeError.self) { try GossipMessage.decode(message.encode(), configuration: configuration) }
            #expect(try GossipMessage.decode(message.encode()) == message, "within the default limits")
        }
        configuration.maxMessageSizeBytes = 10
        #expect(throws: DecodeError.self) { try GossipMessage.decode(longValue.encode(), configuration: configuration) }
    }

    @Test func malformedStructureThrows() throws {
        // Application state keys out of order: status (1) after rack (4).
        let outOfOrder: [UInt8] = [1, 4, 1, 1, 2, 4, 1, 0, 1, 1, 0]
        // The same endpoint twice in an Ack2.
        let entry: [UInt8] = [1, 0x68, 1, 1, 1, 0]
        let duplicate: [UInt8] = [1, 3, 2] + entry + entry
        // Invalid UTF-8 in a host, and an empty host.
        let badUTF8: [UInt8] = [1, 3, 1, 1, 0xC3, 1, 1, 1, 0]
        let emptyHost: [UInt8] = [1, 3, 1, 0, 1, 1, 1, 0]
        for bytes in [outOfOrder, duplicate, badUTF8, emptyHost] {
            #expect(throws: DecodeError.self) { try GossipMessage.decode(bytes) }
        }
        #expect(try GossipMessage.decode([1, 3, 1] + entry) == .ack2(GossipAck2(states: [
            GossipEndpoint(host: "h", port: 1): EndpointState(heartbeat: HeartbeatState(generation: 1, version: 1)),
        ])))
    }
}
