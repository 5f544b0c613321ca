import CQL

/// What a statement executed through a `ClientLane` returned, without its cells decoded
/// into `CQLValue`s: the kind of result, how many rows it carried and whether more pages
/// follow. The response frame itself is fully decoded and checked (an ERROR becomes a
/// `KVClientError`, a malformed frame a protocol error).
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

    /// The summary of `response` from `host`; an ERROR throws `.server`, rows whose column
    /// count disagrees with `knownColumns` (or that carry no columns when none are known)
    /// throw a protocol error, as `execute` does when it decodes them.
    static func of(_ response: DecodedResponse, host: HostAddress, knownColumns: ResultColumns?)
        throws(KVClientError) -> ResultSummary {
        switch response.message {
        case .result(let result):
            return try of(result, knownColumns: knownColumns)
        case .error(let error):
            throw .server(ServerError(host: host.description, detail: error.detail, message: error.message))
        default:
            throw .protocolError("\(host): a statement was answered with opcode \(response.message.opcode)")
        }
    }

    private static func of(_ result: ResultMessage, knownColumns: ResultColumns?) throws(KVClientError) -> ResultSummary {
        switch result {
        case .void: return ResultSummary(kind: .void)
        case .setKeyspace: return ResultSummary(kind: .setKeyspace)
        case .schemaChange: return ResultSummary(kind: .schemaChange)
        case .prepared: return ResultSummary(kind: .prepared)
        case .rows(let rows):
            let describedCount = rows.metadata.columns?.count ?? knownColumns?.count
            guard let describedCount else { throw .protocolError("rows without column metadata") }
            guard describedCount == rows.metadata.columnCount else {
                throw .protocolError("rows of \(rows.metadata.columnCount) columns, described with \(describedCount)")
            }
            return ResultSummary(kind: .rows, rowCount: rows.rows.count, pagingState: rows.metadata.pagingState)
        }
    }
}
