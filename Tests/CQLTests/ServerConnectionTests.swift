import CQL
import NIOCore
import Testing

/// The connection state machine driven with bytes, as the channel handler drives it.
@Suite struct ServerConnectionTests {
    private static let startupOptions = ["CQL_VERSION": "3.4.5", "DRIVER_NAME": "test"]

    private func requestBytes(_ message: RequestMessage, streamID: Int16,
                              compression: FrameCompression? = nil) -> ByteBuffer {
        var wire = ByteBuffer()
        FrameEncoder(compression: compression).encodeRequest(message, streamID: streamID, into: &wire)
        return wire
    }

    /// Every response frame in `actions.output`, decoded as a client would.
    private func responses(_ actions: ConnectionActions, compression: FrameCompression? = nil) throws -> [DecodedResponse] {
        guard var output = actions.output else { return [] }
        var decoder = FrameDecoder(direction: .responses)
        var decoded: [DecodedResponse] = []
        while let frame = try decoder.decodeFrame(from: &output) {
            decoded.append(try ResponseDecoder(compression: compression).decode(frame))
        }
        #expect(output.readableBytes == 0)
        return decoded
    }

    private func startedMachine(_ configuration: CQLServerConfiguration = .default,
                                options: [String: String] = startupOptions) throws -> ConnectionStateMachine {
        var machine = ConnectionStateMachine(configuration: configuration)
        let actions = machine.bytesReceived(requestBytes(.startup(options: options), streamID: 1))
        #expect(try responses(actions).map(\.message) == [.ready])
        #expect(machine.isReady)
        return machine
    }

    private func errorCode(_ response: DecodedResponse) -> Int32? {
        if case .error(let error) = response.message { return error.code }
        return nil
    }

    private func errorMessage(_ response: DecodedResponse) -> String {
        if case .error(let error) = response.message { return error.message }
        return ""
    }

    @Test func optionsIsAnsweredWithSupportedBeforeStartup() throws {
        var machine = ConnectionStateMachine()
        let actions = machine.bytesReceived(requestBytes(.options, streamID: 5))
        let answers = try responses(actions)
        #expect(answers.count == 1)
        #expect(answers[0].streamID == 5)
        guard case .supported(let options) = answers[0].message else {
            Issue.record("expected SUPPORTED, got \(answers[0].message)")
            return
        }
        #expect(options["CQL_VERSION"]?.isEmpty == false)
        #expect(options["COMPRESSION"] != nil)
        #expect(!actions.close && actions.dispatch.isEmpty)
    }

    @Test func startupAnswersReadyAndRecordsOptions() throws {
        let machine = try startedMachine()
        #expect(machine.startupOptions == Self.startupOptions)
        #expect(machine.compression == nil)
    }

    @Test func startupNegotiatesLZ4AndLaterResponsesAreCompressed() throws {
        var machine = try startedMachine(options: ["CQL_VERSION": "3.4.5", "COMPRESSION": "lz4"])
        #expect(machine.compression == .lz4)
        let actions = machine.bytesReceived(requestBytes(.options, streamID: 2, compression: .lz4))
        let frameFlags = actions.output.flatMap { $0.getInteger(at: $0.readerIndex + 1, as: UInt8.self) }
        #expect(frameFlags == FrameFlags.compression.rawValue)
        let answers = try responses(actions, compression: .lz4)
        #expect(answers.count == 1)
        if case .supported = answers.first?.message {} else { Issue.record("expected SUPPORTED") }
    }

    @Test func unknownCompressionIsAProtocolErrorAndTheConnectionStaysUsable() throws {
        var machine = ConnectionStateMachine()
        let refused = machine.bytesReceived(requestBytes(.startup(options: ["CQL_VERSION": "3.4.5",
                                                                            "COMPRESSION": "snappy"]), streamID: 3))
        let answers = try responses(refused)
        #expect(answers.map(errorCode) == [0x000A])
        #expect(errorMessage(answers[0]).contains("snappy"))
        #expect(!refused.close && !machine.isReady)
        let accepted = machine.bytesReceived(requestBytes(.startup(options: Self.startupOptions), streamID: 4))
        #expect(try responses(accepted).map(\.message) == [.ready])
    }

    @Test(arguments: [
        RequestMessage.query("SELECT * FROM system.local", QueryParameters(consistency: .one)),
        .prepare("SELECT * FROM t"),
        .execute(id: [1, 2, 3], QueryParameters(consistency: .one)),
        .register(eventTypes: [.schemaChange]),
    ])
    func statementsBeforeStartupAreProtocolErrors(_ message: RequestMessage) throws {
        var machine = ConnectionStateMachine()
        let actions = machine.bytesReceived(requestBytes(message, streamID: 9))
        let answers = try responses(actions)
        #expect(answers.map(errorCode) == [0x000A])
        #expect(answers[0].streamID == 9)
        #expect(errorMessage(answers[0]).contains("before STARTUP"))
        #expect(actions.dispatch.isEmpty && !actions.close)
    }

    @Test func registerRemembersEventTypes() throws {
        var machine = try startedMachine()
        let actions = machine.bytesReceived(requestBytes(.register(eventTypes: [.statusChange, .schemaChange]),
                                                         streamID: 6))
        #expect(try responses(actions).map(\.message) == [.ready])
        #expect(machine.registeredEvents == [.statusChange, .schemaChange])
        let up = ProtocolEvent.statusChange(.up, ProtocolInet(addressBytes: [127, 0, 0, 2], port: 9042))
        var pushed = try #require(machine.eventFrame(up))
        var decoder = FrameDecoder(direction: .responses)
        let frame = try #require(try decoder.decodeFrame(from: &pushed))
        #expect(try ResponseDecoder().decode(frame) == DecodedResponse(streamID: -1, message: .event(up)))
        let topology = ProtocolEvent.topologyChange(.newNode, ProtocolInet(addressBytes: [127, 0, 0, 3], port: 9042))
        #expect(machine.eventFrame(topology) == nil)
    }

    @Test func statementsAreDispatchedAndAnsweredOutOfOrder() throws {
        var machine = try startedMachine()
        var wire = ByteBuffer()
        for stream in Int16(10)...12 {
            var frame = requestBytes(.prepare("SELECT \(stream)"), streamID: stream)
            wire.writeBuffer(&frame)
        }
        let actions = machine.bytesReceived(wire)
        #expect(actions.output == nil)
        #expect(actions.dispatch.map(\.streamID) == [10, 11, 12])
        #expect(actions.dispatch[1].message == .prepare("SELECT 11"))
        #expect(machine.inFlightCount == 3)
        for stream in [Int16(12), 10, 11] {
            let answer = machine.responseReady(streamID: stream, response: .result(.void))
            #expect(try responses(answer).map(\.streamID) == [stream])
        }
        #expect(machine.inFlightCount == 0)
    }

    @Test func warningsOfAResponseTravelWithItsFrame() throws {
        var machine = try startedMachine()
        _ = machine.bytesReceived(requestBytes(.query("BEGIN BATCH APPLY BATCH", QueryParameters(consistency: .one)), streamID: 5))
        _ = machine.bytesReceived(requestBytes(.prepare("SELECT 1"), streamID: 6))
        let warned = try responses(machine.responseReady(streamID: 5, response: .result(.void), warnings: ["Batch for [k.t] is big."]))
        #expect(warned.map(\.warnings) == [["Batch for [k.t] is big."]])
        #expect(warned.map(\.message) == [.result(.void)])
        let plain = try responses(machine.responseReady(streamID: 6, response: .result(.void)))
        #expect(plain.map(\.warnings) == [[]])
    }

    @Test func requestsBeyondTheInFlightBoundAreOverloaded() throws {
        var machine = try startedMachine(CQLServerConfiguration(maxInFlightRequestsPerConnection: 2))
        let query = RequestMessage.query("SELECT 1", QueryParameters(consistency: .one))
        var wire = ByteBuffer()
        for stream in Int16(1)...3 {
            var frame = requestBytes(query, streamID: stream)
            wire.writeBuffer(&frame)
        }
        let actions = machine.bytesReceived(wire)
        #expect(actions.dispatch.map(\.streamID) == [1, 2])
        let answers = try responses(actions)
        #expect(answers.map(\.streamID) == [3])
        #expect(answers.map(errorCode) == [0x1001])
        _ = machine.responseReady(streamID: 1, response: .result(.void))
        let retried = machine.bytesReceived(requestBytes(query, streamID: 3))
        #expect(retried.dispatch.map(\.streamID) == [3])
    }

    @Test func frameSplitAcrossReadsIsDecodedOnce() throws {
        var machine = ConnectionStateMachine()
        let wire = requestBytes(.options, streamID: 2)
        var outputs: [DecodedResponse] = []
        for index in 0..<wire.readableBytes {
            let actions = machine.bytesReceived(wire.getSlice(at: index, length: 1)!)
            outputs += try responses(actions)
        }
        #expect(outputs.count == 1)
        #expect(machine.bufferedBytes == 0)
    }

    @Test func unsupportedVersionGetsTheDriverErrorThenCloses() throws {
        var machine = ConnectionStateMachine()
        let actions = machine.bytesReceived(ByteBuffer(bytes: protocolHexBytes("05 00 00 07 05 00 00 00 00")))
        #expect(actions.close)
        let output = try #require(actions.output)
        #expect(output.getInteger(at: output.readerIndex, as: UInt8.self) == 0x84)
        let answers = try responses(actions)
        #expect(answers.map(\.streamID) == [7])
        #expect(answers.map(errorCode) == [0x000A])
        #expect(errorMessage(answers[0]).lowercased().contains("unsupported protocol version"))
        #expect(machine.isClosed)
    }

    @Test func tlsClientHelloClosesWithoutReply() {
        var machine = ConnectionStateMachine()
        let actions = machine.bytesReceived(ByteBuffer(bytes: protocolHexBytes("16 03 01 02 00 01 00 01 fc 03 03")))
        #expect(actions.close)
        #expect(actions.output == nil)
        #expect(machine.bytesReceived(ByteBuffer(bytes: [4, 0, 0, 1, 5, 0, 0, 0, 0])).isEmpty)
    }

    @Test func largeFrameBeforeStartupIsRefusedFromTheHeader() throws {
        var machine = ConnectionStateMachine(configuration: CQLServerConfiguration(maxFrameBodyBytesBeforeStartup: 1024))
        // A STARTUP header announcing 4 KiB: refused before any body byte arrives.
        let actions = machine.bytesReceived(ByteBuffer(bytes: protocolHexBytes("04 00 00 01 01 00 00 10 00")))
        #expect(actions.close)
        #expect(try responses(actions).map(errorCode) == [0x000A])
        #expect(machine.bufferedBytes == 0)
    }

    @Test func largeFrameAfterStartupIsBufferedUpToTheFullLimit() throws {
        var machine = try startedMachine(CQLServerConfiguration(maxFrameBodyBytesBeforeStartup: 1024))
        let text = String(repeating: "x", count: 4096)
        let actions = machine.bytesReceived(requestBytes(.prepare(text), streamID: 2))
        #expect(actions.dispatch.map(\.message) == [.prepare(text)])
    }

    @Test func malformedBodyIsAnsweredOnItsStreamAndTheConnectionContinues() throws {
        var machine = try startedMachine()
        // QUERY whose [long string] claims 100 bytes but carries 2.
        let bad = machine.bytesReceived(ByteBuffer(bytes: protocolHexBytes("04 00 00 21 07 00 00 00 06 00 00 00 64 41 42")))
        let answers = try responses(bad)
        #expect(answers.map(\.streamID) == [0x21])
        #expect(answers.map(errorCode) == [0x000A])
        #expect(!bad.close)
        let good = machine.bytesReceived(requestBytes(.options, streamID: 0x22))
        #expect(try responses(good).map(\.streamID) == [0x22])
    }

    @Test func compressedFrameWithoutNegotiationIsAProtocolError() throws {
        var machine = try startedMachine()
        let actions = machine.bytesReceived(ByteBuffer(bytes: protocolHexBytes("04 01 00 05 05 00 00 00 00")))
        #expect(try responses(actions).map(errorCode) == [0x000A])
    }

    @Test func secondStartupIsAProtocolError() throws {
        var machine = try startedMachine()
        let actions = machine.bytesReceived(requestBytes(.startup(options: Self.startupOptions), streamID: 2))
        #expect(try responses(actions).map(errorCode) == [0x000A])
        #expect(machine.isReady)
    }

    @Test func responsesAfterCloseAreDropped() throws {
        var machine = try startedMachine()
        let actions = machine.bytesReceived(requestBytes(.prepare("SELECT 1"), streamID: 4))
        #expect(actions.dispatch.count == 1)
        machine.connectionClosed()
        #expect(machine.responseReady(streamID: 4, response: .result(.void)).isEmpty)
        #expect(machine.inFlightCount == 0)
    }

    @Test func randomBytesNeverTrapAndStayBounded() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var machine = ConnectionStateMachine(configuration: CQLServerConfiguration(maxFrameBodyBytesBeforeStartup: 256))
            var bytes = [UInt8](repeating: 0, count: Int.random(in: 1...64, using: &generator))
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) { bytes[0] = 0x04 }
            _ = machine.bytesReceived(ByteBuffer(bytes: bytes))
            #expect(machine.bufferedBytes <= 9 + 256)
        }
    }
}

@Suite struct ServerConnectionRegistryTests {
    @Test func admitsUpToTheLimitAndReleases() {
        let registry = CQLConnectionRegistry(maxConnections: 2)
        let first = registry.admit()
        let second = registry.admit()
        #expect(first != nil && second != nil && first != second)
        #expect(registry.admit() == nil)
        #expect(registry.openConnections == 2)
        registry.release()
        #expect(registry.admit() != nil)
    }
}
