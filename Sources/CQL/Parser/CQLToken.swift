/// The kind of a lexical token in a CQL statement.
public enum CQLTokenKind: Sendable, Equatable {
    /// An unquoted identifier or keyword; `value` is folded to lower case.
    case identifier
    /// A double-quoted identifier; `value` keeps its case, with `""` unescaped to `"`.
    case quotedIdentifier
    /// A single-quoted or `$$`-delimited string; `value` is the unescaped content.
    case string
    /// An integer literal, possibly negative; `value` is its decimal text.
    case integer
    /// A floating-point literal (`1.5`, `-2e10`, `NaN`, `-Infinity`); `value` is its text.
    case float
    /// `true` or `false`; `value` is lower case.
    case boolean
    /// A UUID literal such as `123e4567-e89b-12d3-a456-426614174000`; `value` is lower case.
    case uuid
    /// A blob literal `0x...`; `value` is the hex digits after `0x`, lower case.
    case hexBlob
    /// A duration literal such as `1h30m` or ISO 8601 `P1DT2H`; `value` is its text.
    case duration
    /// Punctuation or an operator (`(`, `<=`, `?`, `:` ...); `value` is the symbol.
    case symbol
    /// The end of the input; always the last token.
    case endOfInput
}

/// One lexical token, with its position in the source text.
public struct CQLToken: Sendable, Equatable {
    /// What sort of token this is.
    public var kind: CQLTokenKind
    /// The normalized value (see `CQLTokenKind` for each kind's normalization).
    public var value: String
    /// The exact source text of the token (`<EOF>` for the end of input).
    public var text: String
    /// The 1-based line of the token's first character.
    public var line: Int
    /// The 1-based column (in Unicode scalars) of the token's first character.
    public var column: Int

    /// Creates a token.
    public init(kind: CQLTokenKind, value: String, text: String, line: Int, column: Int) {
        self.kind = kind
        self.value = value
        self.text = text
        self.line = line
        self.column = column
    }

    /// Whether this is the unquoted keyword `keyword` (given in lower case).
    func isKeyword(_ keyword: String) -> Bool {
        kind == .identifier && value == keyword
    }

    /// Whether this is the symbol `symbol`.
    func isSymbol(_ symbol: String) -> Bool {
        kind == .symbol && value == symbol
    }
}
