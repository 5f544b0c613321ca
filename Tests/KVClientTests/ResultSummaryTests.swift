import CQL
@testable import KVClient
import NIOCore
import Testing

/// `ResultSummary` read straight from a response frame (a lane's own connection) agrees with
/// the summary of the decoded response (a connection on another loop), and both refuse what
/// `execute` refuses.
@Suite struct ResultSummaryTests {
    static let host = HostAddress(host: "127.0.0.1", port: 9042)
    static let column = ColumnSpecification(keyspace: "ks", table: "t", name: "v", type: .varchar)
    static let oneColumn = ResultColumns(specifications: [column])

    /// `message` as the frame a connection splits off the wire.
    static func frame(_ message: ResponseMessage, compression: FrameCompression? = nil,
                      warnings: [String] = []) throws -> ProtocolFrame {
        var wire = ByteBuffer()
        FrameEncoder(compression: compression).encodeResponse(message, streamID: 1, warnings: warnings, into: &wire)
        var decoder = FrameDecoder(direction: .responses)
        return try #require(try decoder.decodeFrame(from: &wire))
    }

    /// The summary read from the frame, checked against the decoded one.
    static func summary(_ message: ResponseMessage, compression: FrameCompression? = nil, warnings: [String] = [],
                        knownColumns: ResultColumns? = oneColumn) throws -> Result<ResultSummary, ErrorResponse> {
        let frame = try frame(message, compression: compression, warnings: warnings)
        let decoder = ResponseDecoder(compression: compression)
        let fromFrame = try ResultSummary.of(frame, decoder: decoder, host: host, knownColumns: knownColumns)
        let decoded = try ResultSummary.of(decoder.decode(frame), host: host, knownColumns: knownColumns)
        #expect(fromFrame == decoded)
        return fromFrame
    }

    @Test func rowsAreCountedWithTheirPagingState() throws {
        let rows = RowsResult(metadata: RowsMetadata(noMetadataColumnCount: 1, pagingState: [4, 2]),
                              rows: [[[1]], [nil], [[]]])
        for compression in [nil, FrameCompression.lz4] {
            let summary = try Self.summary(.result(.rows(rows)), compression: compression, warnings: ["careful"]).get()
            #expect(summary == ResultSummary(kind: .rows, rowCount: 3, pagingState: [4, 2]))
        }
        let described = RowsResult(metadata: RowsMetadata(columns: [Self.column]), rows: [[[1]]])
        #expect(try Self.summary(.result(.rows(described)), knownColumns: nil).get().rowCount == 1)
    }

    @Test func voidAndOtherAnswersAreSummarized() throws {
        #expect(try Self.summary(.result(.void)).get() == ResultSummary(kind: .void))
        #expect(try Self.summary(.result(.setKeyspace("ks"))).get() == ResultSummary(kind: .setKeyspace))
        let error = ErrorResponse(.unprepared(id: [1, 2]), message: "gone")
        #expect(try Self.summary(.error(error)) == .failure(error))
    }

    @Test func mismatchedOrMalformedRowsAreProtocolErrors() throws {
        let twoColumns = RowsResult(metadata: RowsMetadata(noMetadataColumnCount: 2), rows: [[nil, nil]])
        #expect(throws: KVClientError.self) { try Self.summary(.result(.rows(twoColumns))) }
        let undescribed = RowsResult(metadata: RowsMetadata(noMetadataColumnCount: 1), rows: [])
        #expect(throws: KVClientError.self) { try Self.summary(.result(.rows(undescribed)), knownColumns: nil) }
        #expect(throws: KVClientError.self) { try Self.summary(.ready) }

        // A cell longer than the body, a byte after the last row, and one after a VOID.
        var body = ByteBuffer()
        body.writeInteger(Int32(2))
        RowsMetadata(noMetadataColumnCount: 1).write(into: &body)
        body.writeInteger(Int32(1))
        body.writeInteger(Int32(5))
        body.writeBytes([1, 2])
        var trailing = ByteBuffer()
        trailing.writeInteger(Int32(2))
        RowsMetadata(noMetadataColumnCount: 1).write(into: &trailing)
        trailing.writeInteger(Int32(0))
        trailing.writeInteger(UInt8(9))
        var trailingVoid = ByteBuffer()
        trailingVoid.writeInteger(Int32(1))
        trailingVoid.writeInteger(UInt8(9))
        for bad in [body, trailing, trailingVoid] {
            let header = FrameHeader(version: 4, isResponse: true, flags: [], streamID: 1, opcode: .result,
                                     bodyLengthBytes: Int32(bad.readableBytes))
            let frame = ProtocolFrame(header: header, body: bad)
            #expect(throws: KVClientError.self) {
                try ResultSummary.of(frame, decoder: ResponseDecoder(), host: Self.host, knownColumns: Self.oneColumn)
            }
        }
    }
}
