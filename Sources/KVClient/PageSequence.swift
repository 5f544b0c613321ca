import CQL
import KVCore

/// The pages of a statement: iterating sends the statement, then again with each page's
/// paging state, until a page comes without one. A page is fetched only when the previous
/// one has been taken, so at most one is held; each page keeps its warnings and custom
/// payload. Each iteration starts from the first page again (or `options.pagingState`).
public struct PageSequence: AsyncSequence, Sendable {
    public typealias Element = ResultPage
    public typealias Failure = KVClientError

    /// What to run.
    enum Statement: Sendable {
        case simple(String, [CQLValue?])
        case prepared(PreparedStatement, [CQLValue?])
    }

    let client: KVClient
    let statement: Statement
    let options: StatementOptions

    /// Starts an iteration at the first page (or at `options.pagingState`).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, statement: statement, options: options)
    }

    /// Fetches one page per `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = ResultPage
        public typealias Failure = KVClientError

        private let client: KVClient
        private let statement: Statement
        private var options: StatementOptions
        private var finished = false

        init(client: KVClient, statement: Statement, options: StatementOptions) {
            self.client = client
            self.statement = statement
            self.options = options
        }

        /// The next page (possibly empty while more follow); nil after the last one, or at once
        /// when the statement returned no rows result at all.
        public mutating func next() async throws(KVClientError) -> ResultPage? {
            guard !finished else { return nil }
            let result: QueryResult
            switch statement {
            case .simple(let text, let values): result = try await client.execute(text, values, options: options)
            case .prepared(let prepared, let values): result = try await client.execute(prepared, values, options: options)
            }
            guard case .rows(let page) = result else {
                finished = true
                return nil
            }
            options.pagingState = page.pagingState
            finished = page.pagingState == nil
            return page
        }
    }
}
