/// A statement that is not valid CQL: where it went wrong and why.
///
/// `line` and `column` are 1-based. `message` follows Cassandra's wording, whose position is
/// `line:charPositionInLine` with a 0-based character position (so a token at column 10 is
/// reported as `line 1:9 ...`), which is what drivers and `cqlsh` users are used to.
public struct CQLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the offending token.
    public var line: Int
    /// The 1-based column (in Unicode scalars) of the offending token.
    public var column: Int
    /// The source text of the offending token (`<EOF>` at the end of the input).
    public var token: String
    /// The full message, e.g. `line 1:9 mismatched input 'FORM' expecting FROM`.
    public var message: String

    /// Creates an error whose message is `line L:C detail`.
    public init(line: Int, column: Int, token: String, detail: String) {
        self.line = line
        self.column = column
        self.token = token
        self.message = "line \(line):\(column - 1) \(detail)"
    }

    /// The message.
    public var description: String { message }

    /// "mismatched input 'x' expecting y" at `token`.
    static func mismatched(_ token: CQLToken, expecting expected: String) -> CQLSyntaxError {
        CQLSyntaxError(
            line: token.line, column: token.column, token: token.text,
            detail: "mismatched input '\(token.text)' expecting \(expected)")
    }

    /// "no viable alternative at input 'x'" at `token`.
    static func noViableAlternative(_ token: CQLToken) -> CQLSyntaxError {
        CQLSyntaxError(
            line: token.line, column: token.column, token: token.text,
            detail: "no viable alternative at input '\(token.text)'")
    }

    /// A free-form message at `token`.
    static func invalid(_ token: CQLToken, _ detail: String) -> CQLSyntaxError {
        CQLSyntaxError(line: token.line, column: token.column, token: token.text, detail: detail)
    }
}
