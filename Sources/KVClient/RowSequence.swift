import CQL
import KVCore

/// The rows of a statement, page by page: iterating fetches the next page (with the
/// previous page's paging state) only when the current one is consumed, so at most one
/// page is held. Each iteration starts from the first page again.
public struct RowSequence: AsyncSequence, Sendable {
    public typealias Element = Row
    public typealias Failure = KVClientError

    /// The most consecutive empty pages followed before giving up (a server that keeps
    /// answering "more" with no rows would otherwise loop forever).
    public static let maxConsecutiveEmptyPages = 10_000

    let pages: PageSequence

    /// Starts an iteration at the first page (or at `options.pagingState`).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: pages.makeAsyncIterator())
    }

    /// Fetches pages as rows are consumed.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Row
        public typealias Failure = KVClientError

        private var pages: PageSequence.AsyncIterator
        private var page: [Row] = []
        private var index = 0
        /// The columns of the last page fetched (nil before the first).
        public private(set) var columns: ResultColumns?

        init(pages: PageSequence.AsyncIterator) {
            self.pages = pages
        }

        /// The next row, fetching the next page when this one is used up; nil at the end.
        public mutating func next() async throws(KVClientError) -> Row? {
            var emptyPages = 0
            while index == page.count {
                guard emptyPages < RowSequence.maxConsecutiveEmptyPages else {
                    throw .protocolError("\(emptyPages) consecutive empty pages")
                }
                guard let fetched = try await pages.next() else { return nil }
                columns = fetched.columns
                page = fetched.rows
                index = 0
                emptyPages += 1
            }
            defer { index += 1 }
            return page[index]
        }
    }
}
