/// Character access, position tracking and trivia (whitespace, comments).
extension CQLLexer {
    /// The character `distance` ahead of the cursor, or nil past the end.
    func peek(at distance: Int = 0) -> Unicode.Scalar? {
        let index = offset + distance
        return index < scalars.count ? scalars[index] : nil
    }

    /// Moves past one character, tracking line and column.
    mutating func advance() {
        guard offset < scalars.count else { return }
        if scalars[offset] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        offset += 1
    }

    /// Skips whitespace and comments; throws on an unterminated block comment.
    mutating func skipTrivia() throws(CQLSyntaxError) {
        while let scalar = peek() {
            if scalar.properties.isWhitespace {
                advance()
            } else if (scalar == "-" && peek(at: 1) == "-") || (scalar == "/" && peek(at: 1) == "/") {
                while let next = peek(), next != "\n" { advance() }
            } else if scalar == "/" && peek(at: 1) == "*" {
                try skipBlockComment()
            } else {
                return
            }
        }
    }

    /// Skips a `/* ... */` comment (not nested, as in Cassandra).
    mutating func skipBlockComment() throws(CQLSyntaxError) {
        let (startLine, startColumn) = (line, column)
        advance()
        advance()
        while offset < scalars.count {
            if peek() == "*" && peek(at: 1) == "/" {
                advance()
                advance()
                return
            }
            advance()
        }
        throw CQLSyntaxError(
            line: startLine, column: startColumn, token: "/*",
            detail: "unterminated comment starting at '/*'")
    }

    /// ASCII digit.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar >= "0" && scalar <= "9"
    }

    /// ASCII letter.
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
    }

    /// A character that may continue an unquoted identifier.
    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || isDigit(scalar) || scalar == "_"
    }

    /// A hexadecimal digit.
    static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || (scalar >= "a" && scalar <= "f") || (scalar >= "A" && scalar <= "F")
    }
}
