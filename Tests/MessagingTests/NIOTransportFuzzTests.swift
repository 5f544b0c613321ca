import KVCore
import NIOCore
import NIOPosix
import Testing

@testable import Messaging

/// Hostile bytes on a transport's port: every bad connection is closed, and the node still
/// answers a proper request afterwards.
@Suite struct NIOTransportFuzzTests {
    /// The kinds of bad input, cycled through.
    enum Attack: CaseIterable {
        case randomBytes, badVersion, badHeaderChecksum, badBodyChecksum, hugeLength, unknownKind
        case answerOnInbound, truncated

        /// True when the server must close the connection by itself.
        var mustBeRejected: Bool { self != .truncated && self != .randomBytes }
    }

    @Test func survivesMalformedConnections() async throws {
        let log = CapturedLog()
        let server = try await TestSupport.startTransport(log: log)
        server.setHandler(for: .echo) { .success($0.payload) }
        let random = SeededRandomSource(seed: 0x5EED)
        var mustBeRejected = 0
        for round in 0..<200 {
            let attack = Attack.allCases[round % Attack.allCases.count]
            let bytes = Self.bytes(for: attack, random: random)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: TestSupport.loopback, port: server.localAddress.port).get()
            try? await channel.writeAndFlush(ByteBuffer(bytes: bytes))
            if attack.mustBeRejected {
                mustBeRejected += 1
                #expect(await Self.closesWithin(.seconds(5), channel), "\(attack) in round \(round)")
            } else {
                try? await channel.close()
            }
        }
        #expect(server.statistics.rejectedConnections >= mustBeRejected)
        let warnings = log.messages(atLeast: .warning)
        #expect(warnings.contains { $0.hasPrefix("closing connection: bad magic") })
        #expect(warnings.contains { $0.hasPrefix("closing connection: frame of") })

        let client = try await TestSupport.startTransport()
        #expect(try await client.request([4, 2], verb: .echo, to: server.localAddress) == [4, 2])
        await client.shutdown()
        await server.shutdown()
    }

    static func bytes(for attack: Attack, random: SeededRandomSource) -> [UInt8] {
        let frame = Frame(
            kind: .request, verb: .echo, requestID: random.nextUInt64(),
            sender: NodeAddress(host: "10.0.0.1", port: 7000),
            payload: (0..<random.next(in: 0..<64)).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) })
        var valid = Array(FrameCodec.encode(frame).readableBytesView)
        switch attack {
        case .randomBytes:
            return (0..<random.next(in: 1..<512)).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
        case .badVersion:
            valid[4] = UInt8(random.next(in: 2..<256))
        case .badHeaderChecksum:
            valid[random.next(in: 5..<28)] ^= 0x10
        case .badBodyChecksum:
            valid[random.next(in: 28..<valid.count)] ^= 0x01
        case .hugeLength:
            return RawFrames.header(payloadLength: UInt32(random.next(in: (1 << 21)..<Int(UInt32.max))))
        case .unknownKind:
            return RawFrames.header(kind: UInt8(random.next(in: 5..<256)))
        case .answerOnInbound:
            var answer = frame
            answer.kind = .response
            return Array(FrameCodec.encode(answer).readableBytesView)
        case .truncated:
            return Array(valid[0..<random.next(in: 1..<valid.count)])
        }
        return valid
    }

    /// True when the peer closes `channel` within `limit`.
    static func closesWithin(_ limit: Duration, _ channel: Channel) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            try? await channel.close()
            return first
        }
    }
}
