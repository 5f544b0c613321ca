/// Splits CQL text into tokens, tracking the line and column of each.
///
/// Unquoted identifiers and keywords are folded to lower case; quoted identifiers keep their
/// case. Comments (`--`, `//`, `/* */`) and whitespace are skipped. The result always ends with
/// one `.endOfInput` token. Cost: linear in the input; one pass, no backtracking beyond a
/// fixed 36-character look-ahead for UUIDs.
public struct CQLLexer: Sendable {
    let scalars: [Unicode.Scalar]
    var offset = 0
    var line = 1
    var column = 1
    var tokens: [CQLToken] = []

    /// Prepares to lex `text`.
    public init(_ text: String) {
        self.scalars = Array(text.unicodeScalars)
    }

    /// Lexes the whole text, or throws at the first character that starts no token.
    public static func tokenize(_ text: String) throws(CQLSyntaxError) -> [CQLToken] {
        var lexer = CQLLexer(text)
        return try lexer.run()
    }

    mutating func run() throws(CQLSyntaxError) -> [CQLToken] {
        while true {
            try skipTrivia()
            guard let scalar = peek() else { break }
            let start = (offset, line, column)
            let (kind, value) = try lexToken(startingWith: scalar)
            let text = String(String.UnicodeScalarView(scalars[start.0..<offset]))
            tokens.append(
                CQLToken(kind: kind, value: value, text: text, line: start.1, column: start.2))
        }
        tokens.append(CQLToken(kind: .endOfInput, value: "", text: "<EOF>", line: line, column: column))
        return tokens
    }

    /// Lexes one token whose first character is `scalar`; `offset` ends after it.
    mutating func lexToken(startingWith scalar: Unicode.Scalar) throws(CQLSyntaxError) -> (CQLTokenKind, String) {
        if let uuid = lexUUID() { return (.uuid, uuid) }
        if scalar == "'" { return (.string, try lexQuoted(delimiter: "'")) }
        if scalar == "\"" { return (.quotedIdentifier, try lexQuoted(delimiter: "\"")) }
        if scalar == "$", peek(at: 1) == "$" { return (.string, try lexDollarString()) }
        if scalar == "0", let next = peek(at: 1), next == "x" || next == "X" {
            return (.hexBlob, try lexHexBlob())
        }
        if CQLLexer.isDigit(scalar) { return try lexNumber(negative: false) }
        if scalar == "-", let next = peek(at: 1), minusStartsNumber(next) {
            advance()
            return try lexNumber(negative: true)
        }
        if let length = isoDurationLength(at: offset) { return (.duration, consume(length)) }
        if CQLLexer.isLetter(scalar) { return lexWord() }
        if let symbol = lexSymbol() { return (.symbol, symbol) }
        throw recognitionError(String(Character(scalar)))
    }

    /// Whether a `-` followed by `next` begins a negative number rather than a minus sign:
    /// only where an operand is expected (so `c - 1` and `c -1` still subtract).
    func minusStartsNumber(_ next: Unicode.Scalar) -> Bool {
        let startsNumber = CQLLexer.isDigit(next) || isoDurationLength(at: offset + 1) != nil
            || lowercasedWord(from: offset + 1).map { $0 == "nan" || $0 == "infinity" } == true
        guard startsNumber, let previous = tokens.last else { return startsNumber }
        switch previous.kind {
        case .symbol:
            return ![")", "]", "}", "?"].contains(previous.value)
        case .identifier:
            return CQLKeywords.reserved.contains(previous.value)
        default:
            return false
        }
    }

    /// Lexes an identifier, keyword, boolean, `NaN` or `Infinity`.
    mutating func lexWord() -> (CQLTokenKind, String) {
        var word = ""
        while let scalar = peek(), CQLLexer.isIdentifierPart(scalar) {
            word.unicodeScalars.append(scalar)
            advance()
        }
        let folded = word.lowercased()
        switch folded {
        case "true", "false": return (.boolean, folded)
        case "nan": return (.float, "NaN")
        case "infinity": return (.float, "Infinity")
        default: return (.identifier, folded)
        }
    }

    /// The lower-cased run of identifier characters starting at `index`, if any.
    func lowercasedWord(from index: Int) -> String? {
        var word = ""
        var index = index
        while index < scalars.count, CQLLexer.isIdentifierPart(scalars[index]) {
            word.unicodeScalars.append(scalars[index])
            index += 1
        }
        return word.isEmpty ? nil : word.lowercased()
    }

    /// Lexes punctuation or an operator, longest match first.
    mutating func lexSymbol() -> String? {
        let twoCharacter = ["!=", "<=", ">=", "+=", "-="]
        if let first = peek(), let second = peek(at: 1) {
            let pair = String(Character(first)) + String(Character(second))
            if twoCharacter.contains(pair) {
                advance()
                advance()
                return pair
            }
        }
        guard let scalar = peek(), "()[]{},;.=<>+-*/%:?".unicodeScalars.contains(scalar) else {
            return nil
        }
        advance()
        return String(Character(scalar))
    }

    /// The error for text that starts no token.
    func recognitionError(_ text: String) -> CQLSyntaxError {
        CQLSyntaxError(
            line: line, column: column, token: text,
            detail: "token recognition error at: '\(text)'")
    }
}
