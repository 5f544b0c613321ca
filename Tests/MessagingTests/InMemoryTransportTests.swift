import Testing

@testable import Messaging

@Suite struct InMemoryTransportTests {
    let a = NodeAddress(host: "10.0.0.1", port: 7000)
    let b = NodeAddress(host: "10.0.0.2", port: 7000)
    let c = NodeAddress(host: "10.0.0.3", port: 7000)

    private func makeNetwork() throws -> (InMemoryNetwork, [InMemoryTransport]) {
        let network = InMemoryNetwork(configuration: TestSupport.configuration())
        let transports = try [a, b, c].map { address throws(MessagingError) in try network.join(at: address) }
        for transport in transports {
            transport.setHandler(for: .echo) { message in
                .success(message.payload + Array("\(message.from)".utf8))
            }
        }
        return (network, transports)
    }

    @Test func deliversRequestsAndOneWayMessages() async throws {
        let (_, nodes) = try makeNetwork()
        let answer = try await nodes[0].request([1], verb: .echo, to: b)
        #expect(answer == [1] + Array("\(a)".utf8))

        let received = Received()
        nodes[1].setHandler(for: .gossipDigestSyn) { message in
            received.append(message.payload)
            return nil
        }
        for index in 0..<20 { nodes[0].send([UInt8(index)], verb: .gossipDigestSyn, to: b) }
        #expect(await TestSupport.eventually { received.count == 20 })
    }

    @Test func unknownNodeIsUnreachableAndDuplicateAddressIsRefused() async throws {
        let (network, nodes) = try makeNetwork()
        let nowhere = NodeAddress(host: "10.0.0.9", port: 7000)
        let error = await TestSupport.messagingError { try await nodes[0].request([], verb: .echo, to: nowhere) }
        #expect(error == .unreachable(nowhere, reason: "no node at this address on the network"))
        #expect(throws: MessagingError.self) { try network.join(at: a) }
    }

    @Test func partitionLosesBothDirectionsUntilHealed() async throws {
        let (network, nodes) = try makeNetwork()
        network.updateFaults { $0.partition(a, b) }
        let ab = await TestSupport.messagingError {
            try await nodes[0].request([], verb: .echo, to: b, timeout: .milliseconds(50))
        }
        #expect(ab == .timeout(verb: .echo, peer: b, after: .milliseconds(50)))
        let ba = await TestSupport.messagingError {
            try await nodes[1].request([], verb: .echo, to: a, timeout: .milliseconds(50))
        }
        #expect(ba != nil)
        #expect(try await nodes[0].request([], verb: .echo, to: c) == Array("\(a)".utf8))
        #expect(network.lostMessageCount == 2)

        network.updateFaults { $0.healAll() }
        #expect(try await nodes[0].request([], verb: .echo, to: b) == Array("\(a)".utf8))
    }

    @Test func oneWayBlockLosesTheAnswerToo() async throws {
        let (network, nodes) = try makeNetwork()
        let handled = Received()
        nodes[1].setHandler(for: .mutation) { message in
            handled.append(message.payload)
            return .success([])
        }
        network.updateFaults { $0.block(from: b, to: a) }  // a reaches b; b's answers are lost
        let error = await TestSupport.messagingError {
            try await nodes[0].request([7], verb: .mutation, to: b, timeout: .milliseconds(50))
        }
        #expect(error == .timeout(verb: .mutation, peer: b, after: .milliseconds(50)))
        #expect(handled.all == [[7]], "the request ran; only its answer was lost")
    }

    @Test func droppingToAndFromANodeAndTheFilter() async throws {
        let (network, nodes) = try makeNetwork()
        let received = Received()
        nodes[2].setHandler(for: .gossipDigestAck) { message in
            received.append(message.payload)
            return nil
        }
        network.updateFaults { $0.droppingTo.insert(c) }
        nodes[0].send([1], verb: .gossipDigestAck, to: c)
        network.updateFaults { $0.heal(c) }
        network.updateFaults { $0.droppingFrom.insert(a) }
        nodes[0].send([2], verb: .gossipDigestAck, to: c)
        network.updateFaults { $0.healAll() }
        network.setFilter { _, _, verb in verb != .gossipDigestAck ? .deliver : .lost }
        nodes[1].send([3], verb: .gossipDigestAck, to: c)
        network.setFilter(nil)
        nodes[1].send([4], verb: .gossipDigestAck, to: c)
        #expect(await TestSupport.eventually { received.count == 1 })
        #expect(received.all == [[4]])
        #expect(network.lostMessageCount == 3)
    }

    @Test func remoteFailureAndShutdown() async throws {
        let (_, nodes) = try makeNetwork()
        nodes[1].setHandler(for: .truncate) { _ in .failure("no such table") }
        let failed = await TestSupport.messagingError { try await nodes[0].request([], verb: .truncate, to: b) }
        #expect(failed == .remoteError("no such table"))

        await nodes[1].shutdown()
        let gone = await TestSupport.messagingError { try await nodes[0].request([], verb: .echo, to: b) }
        #expect(gone == .unreachable(b, reason: "no node at this address on the network"))
        let closed = await TestSupport.messagingError { try await nodes[1].request([], verb: .echo, to: a) }
        #expect(closed == .closed)
    }
}
