@testable import CQL
import NIOCore
import Testing

@Suite struct MessageRoundTripTests {
    static let fullParameters = QueryParameters(
        consistency: .localQuorum, values: .positional([.bytes([0, 0, 0, 1]), .null, .notSet, .bytes([])]),
        skipMetadata: true, pageSize: 5000, pagingState: [0xAB, 0xCD], serialConsistency: .localSerial,
        defaultTimestamp: 1_700_000_000_000_000)

    static let requests: [RequestMessage] = [
        .startup(options: ["CQL_VERSION": "3.0.0", "DRIVER_NAME": "Apache Cassandra Python Driver"]),
        .options,
        .query("SELECT * FROM ks.t WHERE k = ?;", fullParameters),
        .query("select 1", QueryParameters(consistency: .one)),
        .query("INSERT INTO t (a) VALUES (:a)", QueryParameters(
            consistency: .quorum, values: .named([.init(name: "a", value: .bytes([7]))]))),
        .prepare("SELECT * FROM ks.t WHERE k = ?"),
        .execute(id: Array(repeating: 0x5A, count: 16), fullParameters),
        .batch(BatchRequest(type: .unlogged, statements: [
            .init(reference: .query("INSERT INTO t (a) VALUES (1)")),
            .init(reference: .prepared(id: [1, 2, 3]), values: [.bytes([1]), .null, .notSet]),
        ], consistency: .all, serialConsistency: .serial, defaultTimestamp: -1)),
        .batch(BatchRequest(type: .counter, statements: [], consistency: .one)),
        .register(eventTypes: [.topologyChange, .statusChange, .schemaChange]),
        .authResponse(token: [0, 117, 0, 112]),
        .authResponse(token: nil),
    ]

    @Test(arguments: requests)
    func requestRoundTrips(message: RequestMessage) throws {
        #expect(try protocolRequestRoundTrip(message).message == message)
        #expect(try protocolRequestRoundTrip(message, compression: .lz4).message == message)
    }

    @Test func requestEnvelopeRoundTrips() throws {
        var wire = ByteBuffer()
        FrameEncoder().encodeRequest(.options, streamID: 32767, tracing: true,
                                     customPayload: ["k": [1, 2]], into: &wire)
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &wire))
        let request = try RequestDecoder().decode(frame)
        #expect(request == DecodedRequest(streamID: 32767, message: .options, tracingRequested: true,
                                          customPayload: ["k": [1, 2]]))
    }

    /// The in-place EXECUTE of load generators writes the same frame as the message would.
    @Test func executeEncodedInPlaceMatchesTheMessage() throws {
        let id: [UInt8] = Array(repeating: 0x5A, count: 16)
        let valueLists: [[ProtocolValue]] = [[], [.bytes([0, 0, 0, 1])], [.bytes(Array(repeating: 7, count: 100)), .null, .notSet]]
        for compression in [nil, FrameCompression.lz4] {
            for values in valueLists {
                for skipMetadata in [false, true] {
                    let encoder = FrameEncoder(compression: compression)
                    var inPlace = ByteBuffer(bytes: [0xEE])
                    encoder.encodeExecute(streamID: 300, id: id, consistency: .localQuorum, values: values,
                                          skipMetadata: skipMetadata, into: &inPlace)
                    var message = ByteBuffer(bytes: [0xEE])
                    let parameters = QueryParameters(consistency: .localQuorum,
                                                     values: values.isEmpty ? .none : .positional(values),
                                                     skipMetadata: skipMetadata)
                    encoder.encodeRequest(.execute(id: id, parameters), streamID: 300, into: &message)
                    #expect(inPlace == message, "\(values.count) values, skip \(skipMetadata), \(String(describing: compression))")
                }
            }
        }
    }

    static let column = ColumnSpecification(keyspace: "ks", table: "t", name: "k", type: .int)
    static let otherColumn = ColumnSpecification(keyspace: "ks", table: "u", name: "m",
                                                 type: .map(key: .varchar, value: .set(.uuid)))

    static let errors: [ErrorDetail] = [
        .serverError, .protocolError, .badCredentials,
        .unavailable(consistency: .quorum, required: 2, alive: 1),
        .overloaded, .isBootstrapping, .truncateError,
        .writeTimeout(consistency: .one, received: 0, blockFor: 1, writeType: .batchLog),
        .readTimeout(consistency: .all, received: 2, blockFor: 3, dataPresent: true),
        .readFailure(consistency: .two, received: 1, blockFor: 2, failureCount: 1, dataPresent: false),
        .functionFailure(keyspace: "ks", function: "f", argumentTypes: ["int", "text"]),
        .writeFailure(consistency: .localOne, received: 0, blockFor: 1, failureCount: 1, writeType: .cas),
        .syntaxError, .unauthorized, .invalid, .configError,
        .alreadyExists(keyspace: "ks", table: ""), .unprepared(id: [9, 8, 7]),
    ]

    static let responses: [ResponseMessage] = errors.map { .error(ErrorResponse($0, message: "msg ✓")) } + [
        .ready,
        .authenticate(authenticator: "org.apache.cassandra.auth.PasswordAuthenticator"),
        .supported(SupportedOptions.standard),
        .authChallenge(token: [1]), .authSuccess(token: nil),
        .result(.void),
        .result(.setKeyspace("Quoted ks")),
        .result(.rows(RowsResult(metadata: RowsMetadata(columns: [column, column]),
                                 rows: [[[0, 0, 0, 1], nil], [[], [0, 0, 0, 2]]]))),
        .result(.rows(RowsResult(metadata: RowsMetadata(columns: [column, otherColumn], pagingState: [1, 2]),
                                 rows: [[nil, nil]]))),
        .result(.rows(RowsResult(metadata: RowsMetadata(noMetadataColumnCount: 1, pagingState: [3]),
                                 rows: [[[5]]]))),
        .result(.rows(RowsResult(metadata: RowsMetadata(columns: []), rows: []))),
        .result(.prepared(PreparedResult(id: [1, 2, 3, 4], bindColumns: [column, column],
                                         partitionKeyIndexes: [1, 0],
                                         resultMetadata: RowsMetadata(columns: [otherColumn])))),
        .result(.prepared(PreparedResult(id: [5], bindColumns: [column, otherColumn], partitionKeyIndexes: [],
                                         resultMetadata: RowsMetadata(noMetadataColumnCount: 0)))),
        .result(.schemaChange(SchemaChange(change: .created, target: .keyspace("ks")))),
        .result(.schemaChange(SchemaChange(change: .updated, target: .table(keyspace: "ks", name: "t")))),
        .result(.schemaChange(SchemaChange(change: .dropped, target: .type(keyspace: "ks", name: "ty")))),
        .event(.schemaChange(SchemaChange(change: .created,
                                          target: .function(keyspace: "ks", name: "f", argumentTypes: ["int"])))),
        .event(.schemaChange(SchemaChange(change: .dropped,
                                          target: .aggregate(keyspace: "ks", name: "a", argumentTypes: [])))),
        .event(.topologyChange(.newNode, ProtocolInet(addressBytes: [10, 0, 0, 2], port: 9042))),
        .event(.statusChange(.down, ProtocolInet(addressBytes: Array(repeating: 0xFE, count: 16), port: 9043))),
    ]

    @Test(arguments: responses)
    func responseRoundTrips(message: ResponseMessage) throws {
        #expect(try protocolResponseRoundTrip(message).message == message)
        #expect(try protocolResponseRoundTrip(message, compression: .lz4).message == message)
    }

    @Test func responseEnvelopeRoundTrips() throws {
        let decoded = try protocolResponseRoundTrip(.result(.void), streamID: -1, compression: .lz4,
                                                    tracingID: ProtocolUUID(high: 7, low: 8),
                                                    warnings: ["Aggregation query used without partition key"])
        #expect(decoded.streamID == -1)
        #expect(decoded.tracingID == ProtocolUUID(high: 7, low: 8))
        #expect(decoded.warnings == ["Aggregation query used without partition key"])
        #expect(decoded.message == .result(.void))
    }

    /// `messageReader` skips the envelope's fields, and `readCounting` agrees with `read`
    /// on every rows body, compressed or not, and fails where it fails on a cut one.
    @Test(arguments: responses.filter { if case .result(.rows) = $0 { true } else { false } })
    func rowsAreCountedAsTheyAreRead(message: ResponseMessage) throws {
        guard case .result(.rows(let rows)) = message else { return }
        for compression in [nil, FrameCompression.lz4] {
            let frame = try protocolResponseFrame(message, compression: compression, tracingID: ProtocolUUID(high: 1, low: 2),
                                                  warnings: ["w"], customPayload: ["k": [7]])
            let decoder = ResponseDecoder(compression: compression)
            var (opcode, reader) = try decoder.messageReader(of: frame)
            #expect(opcode == .result)
            #expect(try reader.readInt() == 2)
            let (metadata, rowCount) = try RowsResult.readCounting(from: &reader)
            #expect(metadata == rows.metadata)
            #expect(rowCount == rows.rows.count)
            #expect(reader.remainingBytes == 0)
        }
        var body = ByteBuffer()
        rows.write(into: &body)
        guard body.readableBytes > 1 else { return }
        var cut = ProtocolReader(body.getSlice(at: 0, length: body.readableBytes - 1)!)
        var cutAgain = cut
        let readError = protocolErrorThrown { try RowsResult.read(from: &cut) }
        #expect(readError != nil)
        #expect(protocolErrorThrown { try RowsResult.readCounting(from: &cutAgain) } == readError)
    }

    @Test func errorCodesMatchTheSpec() {
        let codes = Self.errors.map(\.code)
        #expect(codes == [0x0000, 0x000A, 0x0100, 0x1000, 0x1001, 0x1002, 0x1003, 0x1100, 0x1200, 0x1300,
                          0x1400, 0x1500, 0x2000, 0x2100, 0x2200, 0x2300, 0x2400, 0x2500])
    }

    @Test func trailingBytesInARequestAreAnError() throws {
        var wire = ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 0x01, 0xFF])
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &wire))
        #expect(protocolErrorThrown { try RequestDecoder().decode(frame) } == .trailingBytes(1))
    }

    @Test func unknownEventTypeInRegisterIsAnError() throws {
        var body = ByteBuffer()
        body.writeProtocolStringList(["NOPE"])
        var reader = ProtocolReader(body)
        #expect(protocolErrorThrown { try RequestMessage.readBody(opcode: .register, from: &reader) }
            == .invalidField("unknown event type NOPE"))
    }

    @Test func startupCompressionNegotiation() throws {
        #expect(try FrameCompression.negotiate(["CQL_VERSION": "3.0.0"]) == nil)
        #expect(try FrameCompression.negotiate(["COMPRESSION": "LZ4"]) == .lz4)
        #expect(protocolErrorThrown { try FrameCompression.negotiate(["COMPRESSION": "snappy"]) }
            == .unsupportedCompression("snappy"))
    }
}

@Suite struct MessageLimitTests {
    @Test func zeroColumnRowFloodIsRefused() {
        var body = ByteBuffer()
        RowsMetadata(columns: []).write(into: &body)
        body.writeProtocolInt(Int32.max)
        var reader = ProtocolReader(body)
        #expect(protocolErrorThrown { try RowsResult.read(from: &reader) } == .invalidField("\(Int32.max) rows without columns"))
    }

    @Test func rowCountBeyondTheBodyIsRefused() {
        var body = ByteBuffer()
        RowsMetadata(noMetadataColumnCount: 3).write(into: &body)
        body.writeProtocolInt(1_000_000)
        var reader = ProtocolReader(body)
        #expect(protocolErrorThrown { try RowsResult.read(from: &reader) } != nil)
    }

    @Test func frameLevelErrorsCarryTheirStream() {
        #expect(ProtocolError.frameTooLarge(streamID: 4, bodyBytes: 2, limitBytes: 1).streamID == 4)
        #expect(ProtocolError.unsupportedVersion(.init(requestedVersion: 5, streamID: 9)).streamID == 9)
        #expect(ProtocolError.invalidUTF8.streamID == nil)
        #expect(ErrorResponse(protocolError: .invalidUTF8).code == 0x000A)
    }
}
