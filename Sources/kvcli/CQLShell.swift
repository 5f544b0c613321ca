#if canImport(Glibc)
import Glibc
#endif
import CQL
import Foundation
import KVClient

/// The state of one `kvcli cql` session: consistency, paging, and how statements and their
/// results are printed (cqlsh's formats). Statements run one at a time.
struct CQLShell {
    let client: KVClient
    var consistency: ProtocolConsistency
    var serialConsistency: ProtocolConsistency?
    /// Rows per page; nil when paging is off.
    var pageSize: Int32?
    /// A terminal is attached: prompts are shown, errors carry no file:line prefix, and
    /// results are printed page by page.
    let interactive: Bool
    /// Names the input in error messages (`<stdin>` or the script's path).
    let sourceName: String
    /// Statements that failed.
    private(set) var failures = 0

    /// The page size `PAGING ON` restores.
    static let defaultPageSize: Int32 = 100

    init(client: KVClient, consistency: ProtocolConsistency, pageSize: Int32?, interactive: Bool, sourceName: String) {
        self.client = client
        self.consistency = consistency
        self.pageSize = pageSize
        self.interactive = interactive
        self.sourceName = sourceName
    }

    /// Reads statements from standard input until its end or `EXIT`.
    mutating func runLines() async {
        var splitter = StatementSplitter()
        while true {
            if interactive { prompt(continuation: splitter.isInsideStatement) }
            guard let line = readLine(strippingNewline: true) else { break }
            for statement in splitter.feed(line: line) {
                guard await run(statement) else { return }
            }
        }
        if let last = splitter.finish() { _ = await run(last) }
        if interactive { print("") }
    }

    private func prompt(continuation: Bool) {
        let text = continuation ? "   ... " : (client.keyspace.map { "cqlsh:\($0)> " } ?? "cqlsh> ")
        print(text, terminator: "")
        fflush(nil)
    }

    /// Runs one statement; false when the shell should exit.
    mutating func run(_ statement: StatementSplitter.Statement) async -> Bool {
        if let command = ShellCommand.parse(statement.text) {
            return perform(command, line: statement.line)
        }
        do throws(KVClientError) {
            try await runCQL(statement.text)
        } catch {
            report(error.description, line: statement.line)
        }
        return true
    }

    private mutating func perform(_ command: ShellCommand, line: Int) -> Bool {
        switch command {
        case .exit: return false
        case .showConsistency: print("Current consistency level is \(consistency.name).")
        case .setConsistency(let level):
            consistency = level
            print("Consistency level set to \(level.name).")
        case .showSerialConsistency: print("Current serial consistency level is \((serialConsistency ?? .serial).name).")
        case .setSerialConsistency(let level):
            serialConsistency = level
            print("Serial consistency level set to \(level.name).")
        case .showPaging:
            if let pageSize {
                print("Query paging is currently enabled. Use PAGING OFF to disable\nPage size: \(pageSize)")
            } else {
                print("Query paging is currently disabled. Use PAGING ON to enable.")
            }
        case .pagingOn:
            pageSize = pageSize ?? Self.defaultPageSize
            print("Now Query paging is enabled\nPage size: \(pageSize!)")
        case .pagingOff:
            pageSize = nil
            print("Disabled Query paging.")
        case .pageSize(let size):
            pageSize = size
            print("Page size: \(size)")
        case .invalid(let message): report(message, line: line)
        }
        return true
    }

    /// Runs CQL and prints its rows: all pages in one table, or page by page (with a
    /// `---MORE---` pause) at a terminal.
    private func runCQL(_ text: String) async throws(KVClientError) {
        var options = StatementOptions(consistency: consistency, pageSize: pageSize, serialConsistency: serialConsistency)
        var columns: ResultColumns?
        var collected: [Row] = []
        var total = 0
        while true {
            let result = try await client.execute(text, options: options)
            guard case .rows(let page) = result else { return }
            columns = page.columns
            total += page.rows.count
            if interactive, let state = page.pagingState {
                print("\n" + TableFormatter.table(header: page.columns.names,
                                                  rows: ResultTable.cells(page.rows, columns: page.columns)),
                      terminator: "")
                print("---MORE---")
                fflush(nil)
                guard readLine() != nil else { break }
                options.pagingState = state
                continue
            }
            collected += page.rows
            guard let state = page.pagingState else { break }
            options.pagingState = state
        }
        guard let columns else { return }
        print(ResultTable.render(collected, columns: columns, rowCount: total), terminator: "")
        fflush(nil)
    }

    private mutating func report(_ message: String, line: Int) {
        failures += 1
        let prefix = interactive ? "" : "\(sourceName):\(line):"
        fflush(nil)
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    }
}
