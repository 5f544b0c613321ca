import NIOCore
import NIOPosix
import Testing

@testable import Messaging

@Suite struct NIOTransportTests {
    @Test func requestGetsTheHandlersReplyAndTheSenderAddress() async throws {
        try await TestSupport.withTransports(2) { transports in
            let (client, server) = (transports[0], transports[1])
            server.setHandler(for: .echo) { message in
                .success(message.payload + Array("|\(message.from)|\(message.expectsReply)".utf8))
            }
            let answer = try await client.request(Array("ping".utf8), verb: .echo, to: server.localAddress)
            #expect(String(decoding: answer, as: UTF8.self) == "ping|\(client.localAddress)|true")
            #expect(server.localAddress.port != 0)
        }
    }

    @Test func concurrentRequestsAnsweredOutOfOrderAreMatched() async throws {
        try await TestSupport.withTransports(2) { transports in
            let (client, server) = (transports[0], transports[1])
            server.setHandler(for: .read) { message in
                // Later requests answer sooner, so answers come back in reverse order.
                let index = Int(message.payload[0]) | Int(message.payload[1]) << 8
                try? await Task.sleep(for: .milliseconds(200 - index))
                return .success(message.payload.reversed())
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let payload: [UInt8] = [UInt8(index & 0xFF), UInt8(index >> 8), 0xEE]
                        let answer = try await client.request(payload, verb: .read, to: server.localAddress)
                        #expect(answer == payload.reversed())
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func oneWayMessagesReachTheHandler() async throws {
        try await TestSupport.withTransports(2) { transports in
            let (client, server) = (transports[0], transports[1])
            let received = Received()
            server.setHandler(for: .gossipDigestSyn) { message in
                #expect(!message.expectsReply)
                received.append(message.payload)
                return .success([1])  // ignored for one-way messages
            }
            for index in 0..<50 { client.send([UInt8(index)], verb: .gossipDigestSyn, to: server.localAddress) }
            #expect(await TestSupport.eventually { received.count == 50 })
            #expect(Set(received.all.map { $0[0] }) == Set(0..<50))
            #expect(client.statistics.droppedOutboundMessages == 0)
        }
    }

    @Test func explicitTimeoutWhenTheHandlerNeverAnswers() async throws {
        try await TestSupport.withTransports(2) { transports in
            let (client, server) = (transports[0], transports[1])
            server.setHandler(for: .mutation) { _ in nil }  // drops the request
            let error = await TestSupport.messagingError {
                try await client.request([1], verb: .mutation, to: server.localAddress, timeout: .milliseconds(100))
            }
            #expect(error == .timeout(verb: .mutation, peer: server.localAddress, after: .milliseconds(100)))
        }
    }

    @Test func perVerbDefaultTimeoutApplies() async throws {
        var configuration = TestSupport.configuration()
        configuration.verbTimeouts[.rangeRead] = .milliseconds(150)
        try await TestSupport.withTransports(2, configuration: configuration) { transports in
            let (client, server) = (transports[0], transports[1])
            server.setHandler(for: .rangeRead) { _ in
                try? await Task.sleep(for: .seconds(30))  // cancelled at shutdown
                return .success([])
            }
            let error = await TestSupport.messagingError {
                try await client.request([1], verb: .rangeRead, to: server.localAddress)
            }
            #expect(error == .timeout(verb: .rangeRead, peer: server.localAddress, after: .milliseconds(150)))
        }
    }

    @Test func handlerFailuresAndMissingHandlersBecomeRemoteErrors() async throws {
        try await TestSupport.withTransports(2) { transports in
            let (client, server) = (transports[0], transports[1])
            server.setHandler(for: .truncate) { _ in .failure("table is busy") }
            let failed = await TestSupport.messagingError {
                try await client.request([], verb: .truncate, to: server.localAddress)
            }
            #expect(failed == .remoteError("table is busy"))
            let unhandled = await TestSupport.messagingError {
                try await client.request([], verb: .schemaPull, to: server.localAddress)
            }
            #expect(unhandled == .remoteError("no handler for verb schemaPull"))
            #expect(server.statistics.droppedInboundMessages == 1)
        }
    }

    @Test func requestsBeyondTheInboundLimitGetAnOverloadedError() async throws {
        var configuration = TestSupport.configuration()
        configuration.maxConcurrentInboundMessages = 1
        try await TestSupport.withTransports(2, configuration: configuration) { transports in
            let (client, server) = (transports[0], transports[1])
            let started = Received()
            server.setHandler(for: .read) { message in
                started.append(message.payload)
                try? await Task.sleep(for: .seconds(30))  // cancelled at shutdown
                return nil
            }
            let busy = Task { try? await client.request([1], verb: .read, to: server.localAddress, timeout: .seconds(20)) }
            #expect(await TestSupport.eventually { started.count == 1 })
            let refused = await TestSupport.messagingError {
                try await client.request([2], verb: .read, to: server.localAddress)
            }
            #expect(refused == .remoteError("overloaded: too many inbound messages in progress"))
            #expect(started.all == [[1]])
            busy.cancel()
        }
    }

    @Test func closedPortIsUnreachable() async throws {
        let gone = try await TestSupport.startTransport()
        let closedAddress = gone.localAddress
        await gone.shutdown()
        try await TestSupport.withTransports(1) { transports in
            let error = await TestSupport.messagingError {
                try await transports[0].request([1], verb: .echo, to: closedAddress, timeout: .seconds(5))
            }
            guard case .unreachable(let peer, _) = error else {
                Issue.record("expected unreachable, got \(String(describing: error))")
                return
            }
            #expect(peer == closedAddress)
            #expect(transports[0].statistics.failedConnects >= 1)
        }
    }

    @Test func reconnectsAfterThePeerRestartsOnTheSamePort() async throws {
        try await TestSupport.withTransports(1) { transports in
            let client = transports[0]
            var server = try await TestSupport.startTransport()
            let address = server.localAddress
            server.setHandler(for: .echo) { .success($0.payload + [1]) }
            #expect(try await client.request([0], verb: .echo, to: address) == [0, 1])
            await server.shutdown()

            let whileDown = await TestSupport.messagingError {
                try await client.request([0], verb: .echo, to: address, timeout: .seconds(10))
            }
            switch whileDown {
            case .unreachable(address, _)?, .connectionLost(address)?: break
            default: Issue.record("expected unreachable or connectionLost, got \(String(describing: whileDown))")
            }

            server = try await TestSupport.startTransport(port: address.port)
            server.setHandler(for: .echo) { .success($0.payload + [2]) }
            var answer: [UInt8]?
            for _ in 0..<100 where answer == nil {
                answer = try? await client.request([0], verb: .echo, to: address, timeout: .seconds(1))
                if answer == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(answer == [0, 2])
            await server.shutdown()
        }
    }

    @Test func bindingAPortInUseNamesTheAddress() async throws {
        try await TestSupport.withTransports(1) { transports in
            let taken = transports[0].localAddress
            do {
                let second = try await TestSupport.startTransport(port: taken.port)
                await second.shutdown()
                Issue.record("a second transport bound \(taken)")
            } catch let error as MessagingError {
                guard case .bindFailed(let address, _) = error else {
                    Issue.record("expected bindFailed, got \(error)")
                    return
                }
                #expect(address == taken)
                #expect(error.description.contains("\(taken)"))
            }
        }
    }

    @Test func oversizedPayloadIsRefusedBeforeSending() async throws {
        try await TestSupport.withTransports(2) { transports in
            let payload = [UInt8](repeating: 0, count: 1024 * 1024)
            let error = await TestSupport.messagingError {
                try await transports[0].request(payload, verb: .mutation, to: transports[1].localAddress)
            }
            guard case .payloadTooLarge(let size, let maxBytes) = error else {
                Issue.record("expected payloadTooLarge, got \(String(describing: error))")
                return
            }
            #expect(size == payload.count && maxBytes < size)
        }
    }

    @Test func cancellingTheCallerFailsTheRequest() async throws {
        try await TestSupport.withTransports(2) { transports in
            let (client, server) = (transports[0], transports[1])
            server.setHandler(for: .read) { _ in nil }
            let task = Task {
                await TestSupport.messagingError {
                    try await client.request([], verb: .read, to: server.localAddress, timeout: .seconds(20))
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            #expect(await task.value == .cancelled)
        }
    }

    @Test func shutdownFailsWaitingRequestsAndLaterCalls() async throws {
        let server = try await TestSupport.startTransport()
        server.setHandler(for: .read) { _ in nil }
        let client = try await TestSupport.startTransport()
        let waiting = Task {
            await TestSupport.messagingError {
                try await client.request([], verb: .read, to: server.localAddress, timeout: .seconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        await client.shutdown()
        #expect(await waiting.value == .closed)
        let later = await TestSupport.messagingError {
            try await client.request([], verb: .read, to: server.localAddress)
        }
        #expect(later == .closed)
        client.send([1], verb: .gossipShutdown, to: server.localAddress)
        #expect(client.statistics.droppedOutboundMessages == 1)
        await server.shutdown()
        await server.shutdown()  // idempotent
    }

    @Test func ownsAndReleasesItsEventLoopGroupWhenNoneIsGiven() async throws {
        let transport = try await NIOTransport.start(
            listeningOn: NodeAddress(host: TestSupport.loopback, port: 0), configuration: TestSupport.configuration(),
            logger: CapturedLog().logger)
        transport.setHandler(for: .echo) { .success($0.payload) }
        #expect(try await transport.request([9], verb: .echo, to: transport.localAddress) == [9])
        await transport.shutdown()
    }
}
