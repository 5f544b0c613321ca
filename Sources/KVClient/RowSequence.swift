import CQL
import KVCore

/// The rows of a statement, page by page: iterating fetches the next page (with the
/// previous page's paging state) only when the current one is consumed, so at most one
/// page is held. Each iteration starts from the first page again.
public struct RowSequence: AsyncSequence, Sendable {
    public typealias Element = Row
    public typealias Failure = KVClientError

    /// What to run.
    enum Statement: Sendable {
        case simple(String, [CQLValue?])
        case prepared(PreparedStatement, [CQLValue?])
    }

    /// The most consecutive empty pages followed before giving up (a server that keeps
    /// answering "more" with no rows would otherwise loop forever).
    public static let maxConsecutiveEmptyPages = 10_000

    let client: KVClient
    let statement: Statement
    let options: StatementOptions

    /// Starts an iteration at the first page (or at `options.pagingState`).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, statement: statement, options: options)
    }

    /// Fetches pages as rows are consumed.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Row
        public typealias Failure = KVClientError

        private let client: KVClient
        private let statement: Statement
        private var options: StatementOptions
        private var page: [Row] = []
        private var index = 0
        private var finished = false
        /// The columns of the last page fetched (nil before the first).
        public private(set) var columns: ResultColumns?

        init(client: KVClient, statement: Statement, options: StatementOptions) {
            self.client = client
            self.statement = statement
            self.options = options
        }

        /// The next row, fetching the next page when this one is used up; nil at the end.
        public mutating func next() async throws(KVClientError) -> Row? {
            var emptyPages = 0
            while index == page.count {
                guard !finished else { return nil }
                guard emptyPages < RowSequence.maxConsecutiveEmptyPages else {
                    throw .protocolError("\(emptyPages) consecutive empty pages")
                }
                try await fetch()
                emptyPages += 1
            }
            defer { index += 1 }
            return page[index]
        }

        private mutating func fetch() async throws(KVClientError) {
            let result: QueryResult
            switch statement {
            case .simple(let text, let values): result = try await client.execute(text, values, options: options)
            case .prepared(let prepared, let values): result = try await client.execute(prepared, values, options: options)
            }
            guard case .rows(let fetched) = result else {
                finished = true
                page = []
                index = 0
                return
            }
            columns = fetched.columns
            page = fetched.rows
            index = 0
            options.pagingState = fetched.pagingState
            finished = fetched.pagingState == nil
        }
    }
}
