import CQL

/// What a statement executed through a `ClientLane` returned, without its cells decoded
/// into `CQLValue`s: the kind of result, how many rows it carried and whether more pages
/// follow. The whole response is still checked: every cell's length against the body, the
/// column count, no trailing bytes (an ERROR becomes a `KVClientError`, a malformed frame
/// a protocol error).
public struct ResultSummary: Sendable, Equatable {
    /// The kind of RESULT.
    public enum Kind: Sendable, Equatable {
        case void
        case rows
        case setKeyspace
        case schemaChange
        case prepared
    }

    /// The kind of RESULT.
    public var kind: Kind
    /// The rows of a `.rows` result (0 for other kinds).
    public var rowCount: Int
    /// The paging state of a `.rows` result that has more pages.
    public var pagingState: [UInt8]?

    /// Creates a summary.
    public init(kind: Kind, rowCount: Int = 0, pagingState: [UInt8]? = nil) {
        self.kind = kind
        self.rowCount = rowCount
        self.pagingState = pagingState
    }

    /// The summary of `response`, or the ERROR it is; rows whose column count disagrees with
    /// `knownColumns` (or that carry no columns when none are known) throw a protocol error,
    /// as `execute` does when it decodes them.
    /// `host`, named in errors only, is worked out only for one.
    static func of(_ response: DecodedResponse, host: @autoclosure () -> HostAddress, knownColumns: ResultColumns?)
        throws(KVClientError) -> Result<ResultSummary, ErrorResponse> {
        switch response.message {
        case .result(let result):
            switch result {
            case .void: return .success(ResultSummary(kind: .void))
            case .setKeyspace: return .success(ResultSummary(kind: .setKeyspace))
            case .schemaChange: return .success(ResultSummary(kind: .schemaChange))
            case .prepared: return .success(ResultSummary(kind: .prepared))
            case .rows(let rows):
                try checkColumns(rows.metadata, knownColumns: knownColumns)
                return .success(ResultSummary(kind: .rows, rowCount: rows.rows.count, pagingState: rows.metadata.pagingState))
            }
        case .error(let error):
            return .failure(error)
        default:
            throw .protocolError("\(host()): a statement was answered with opcode \(response.message.opcode)")
        }
    }

    /// As `of(_:host:knownColumns:)`, read straight from the response frame: the cells of
    /// rows are checked but not copied out, and no message values are built (the load
    /// generators' path, where decoding every response cost more than its request).
    static func of(_ frame: ProtocolFrame, decoder: ResponseDecoder, host: @autoclosure () -> HostAddress,
                   knownColumns: ResultColumns?) throws(KVClientError) -> Result<ResultSummary, ErrorResponse> {
        let counted = try read(from: host) { () throws(ProtocolError) in try countedResult(of: frame, decoder: decoder) }
        switch counted {
        case .void:
            return .success(ResultSummary(kind: .void))
        case .rows(let metadata, let rowCount):
            try checkColumns(metadata, knownColumns: knownColumns)
            return .success(ResultSummary(kind: .rows, rowCount: rowCount, pagingState: metadata.pagingState))
        case .other:
            // Any other answer (an ERROR, a schema change: rare here) is decoded whole.
            let response = try read(from: host) { () throws(ProtocolError) in try decoder.decode(frame) }
            return try of(response, host: host(), knownColumns: knownColumns)
        }
    }

    /// What `body` reads from `host`'s response, a malformed one a protocol error.
    private static func read<T>(from host: () -> HostAddress, _ body: () throws(ProtocolError) -> T) throws(KVClientError) -> T {
        do throws(ProtocolError) {
            return try body()
        } catch {
            throw .protocolError("\(host()): \(error.clientMessage)")
        }
    }

    /// A RESULT read straight from its frame: the two kinds the load generators meet at
    /// every request (a write's VOID, a read's ROWS), or another answer to decode whole.
    private enum CountedResult {
        case void
        case rows(metadata: RowsMetadata, rowCount: Int)
        case other
    }

    /// Reads a VOID or ROWS response in place, checked to its last byte.
    private static func countedResult(of frame: ProtocolFrame, decoder: ResponseDecoder)
        throws(ProtocolError) -> CountedResult {
        let (opcode, body) = try decoder.messageReader(of: frame)
        var reader = body
        guard opcode == .result else { return .other }
        switch try reader.readInt() {
        case voidKind:
            try reader.expectEnd()
            return .void
        case rowsKind:
            let counted = try RowsResult.readCounting(from: &reader, limits: decoder.limits)
            try reader.expectEnd()
            return .rows(metadata: counted.metadata, rowCount: counted.rowCount)
        default:
            return .other
        }
    }

    /// The RESULT kinds read in place (native protocol v4, section 4.2.5).
    private static let voidKind: Int32 = 1
    private static let rowsKind: Int32 = 2

    private static func checkColumns(_ metadata: RowsMetadata, knownColumns: ResultColumns?) throws(KVClientError) {
        let describedCount = metadata.columns?.count ?? knownColumns?.count
        guard let describedCount else { throw .protocolError("rows without column metadata") }
        guard describedCount == metadata.columnCount else {
            throw .protocolError("rows of \(metadata.columnCount) columns, described with \(describedCount)")
        }
    }
}
