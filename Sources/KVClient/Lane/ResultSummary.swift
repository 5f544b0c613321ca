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
    static func of(_ response: DecodedResponse, host: HostAddress, knownColumns: ResultColumns?)
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
            throw .protocolError("\(host): a statement was answered with opcode \(response.message.opcode)")
        }
    }

    /// As `of(_:host:knownColumns:)`, read straight from the response frame: the cells of
    /// rows are checked but not copied out, and no message values are built (the load
    /// generators' path, where decoding every response cost more than its request).
    static func of(_ frame: ProtocolFrame, decoder: ResponseDecoder, host: HostAddress,
                   knownColumns: ResultColumns?) throws(KVClientError) -> Result<ResultSummary, ErrorResponse> {
        let rows = try read(from: host) { () throws(ProtocolError) in try countedRows(of: frame, decoder: decoder) }
        guard let rows else {
            // Any other answer (rare here) is decoded whole.
            let response = try read(from: host) { () throws(ProtocolError) in try decoder.decode(frame) }
            return try of(response, host: host, knownColumns: knownColumns)
        }
        try checkColumns(rows.metadata, knownColumns: knownColumns)
        return .success(ResultSummary(kind: .rows, rowCount: rows.rowCount, pagingState: rows.metadata.pagingState))
    }

    /// What `body` reads from `host`'s response, a malformed one a protocol error.
    private static func read<T>(from host: HostAddress, _ body: () throws(ProtocolError) -> T) throws(KVClientError) -> T {
        do throws(ProtocolError) {
            return try body()
        } catch {
            throw .protocolError("\(host): \(error.clientMessage)")
        }
    }

    /// The metadata and row count of a ROWS response, nil for any other response.
    private static func countedRows(of frame: ProtocolFrame, decoder: ResponseDecoder)
        throws(ProtocolError) -> (metadata: RowsMetadata, rowCount: Int)? {
        let (opcode, body) = try decoder.messageReader(of: frame)
        var reader = body
        guard opcode == .result, try reader.readInt() == rowsKind else { return nil }
        let counted = try RowsResult.readCounting(from: &reader, limits: decoder.limits)
        try reader.expectEnd()
        return counted
    }

    /// The RESULT kind of rows.
    private static let rowsKind: Int32 = 2

    private static func checkColumns(_ metadata: RowsMetadata, knownColumns: ResultColumns?) throws(KVClientError) {
        let describedCount = metadata.columns?.count ?? knownColumns?.count
        guard let describedCount else { throw .protocolError("rows without column metadata") }
        guard describedCount == metadata.columnCount else {
            throw .protocolError("rows of \(metadata.columnCount) columns, described with \(describedCount)")
        }
    }
}
