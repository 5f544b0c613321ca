/// Literal tokens: strings, numbers, durations, blobs and UUIDs.
extension CQLLexer {
    /// Lexes `'...'` or `"..."`, where a doubled delimiter stands for itself.
    mutating func lexQuoted(delimiter: Unicode.Scalar) throws(CQLSyntaxError) -> String {
        let (startLine, startColumn, startOffset) = (line, column, offset)
        advance()
        var content = ""
        while let scalar = peek() {
            advance()
            if scalar != delimiter {
                content.unicodeScalars.append(scalar)
            } else if peek() == delimiter {
                content.unicodeScalars.append(scalar)
                advance()
            } else {
                return content
            }
        }
        let text = String(String.UnicodeScalarView(scalars[startOffset..<offset]))
        throw CQLSyntaxError(
            line: startLine, column: startColumn, token: text,
            detail: "token recognition error at: '\(text)' (unterminated \(delimiter == "'" ? "string" : "quoted identifier"))")
    }

    /// Lexes `$$...$$`, whose content is taken verbatim.
    mutating func lexDollarString() throws(CQLSyntaxError) -> String {
        let (startLine, startColumn) = (line, column)
        advance()
        advance()
        var content = ""
        while let scalar = peek() {
            if scalar == "$" && peek(at: 1) == "$" {
                advance()
                advance()
                return content
            }
            content.unicodeScalars.append(scalar)
            advance()
        }
        throw CQLSyntaxError(
            line: startLine, column: startColumn, token: "$$",
            detail: "token recognition error at: '$$' (unterminated string)")
    }

    /// Lexes `0x` followed by hex digits.
    mutating func lexHexBlob() throws(CQLSyntaxError) -> String {
        advance()
        advance()
        var digits = ""
        while let scalar = peek(), CQLLexer.isHexDigit(scalar) {
            digits.unicodeScalars.append(scalar)
            advance()
        }
        if let scalar = peek(), CQLLexer.isIdentifierPart(scalar) {
            throw recognitionError(String(Character(scalar)))
        }
        return digits.lowercased()
    }

    /// Lexes a UUID at the cursor if the next 36 characters form one (and no identifier
    /// character follows); otherwise leaves the cursor alone.
    mutating func lexUUID() -> String? {
        let groupLengths = [8, 4, 4, 4, 12]
        var index = offset
        for (group, length) in groupLengths.enumerated() {
            if group > 0 {
                guard index < scalars.count, scalars[index] == "-" else { return nil }
                index += 1
            }
            for _ in 0..<length {
                guard index < scalars.count, CQLLexer.isHexDigit(scalars[index]) else { return nil }
                index += 1
            }
        }
        if index < scalars.count, CQLLexer.isIdentifierPart(scalars[index]) { return nil }
        let text = String(String.UnicodeScalarView(scalars[offset..<index]))
        while offset < index { advance() }
        return text.lowercased()
    }

    /// Lexes an integer, float or duration; a leading `-` has already been consumed when
    /// `negative`. `-NaN` and `-Infinity` are handled here too.
    mutating func lexNumber(negative: Bool) throws(CQLSyntaxError) -> (CQLTokenKind, String) {
        let sign = negative ? "-" : ""
        if let length = isoDurationLength(at: offset) { return (.duration, sign + consume(length)) }
        if let scalar = peek(), CQLLexer.isLetter(scalar) {
            let (kind, value) = lexWord()
            return (kind, sign + value)
        }
        let integerPart = lexDigits()
        if let unit = durationUnit(at: offset) {
            return (.duration, sign + integerPart + (try lexDuration(firstUnit: unit)))
        }
        var text = integerPart
        var isFloat = false
        if peek() == ".", let next = peek(at: 1), CQLLexer.isDigit(next) || !CQLLexer.isIdentifierPart(next) {
            advance()
            text += "." + lexDigits()
            isFloat = true
        }
        if let exponent = lexExponent() {
            text += exponent
            isFloat = true
        }
        if let scalar = peek(), CQLLexer.isIdentifierPart(scalar) {
            throw recognitionError(String(Character(scalar)))
        }
        return (isFloat ? .float : .integer, sign + text)
    }

    /// Lexes a run of ASCII digits (possibly empty).
    mutating func lexDigits() -> String {
        var digits = ""
        while let scalar = peek(), CQLLexer.isDigit(scalar) {
            digits.unicodeScalars.append(scalar)
            advance()
        }
        return digits
    }

    /// Lexes `e[+-]digits` if present.
    mutating func lexExponent() -> String? {
        guard let marker = peek(), marker == "e" || marker == "E" else { return nil }
        var length = 1
        if let sign = peek(at: 1), sign == "+" || sign == "-" { length = 2 }
        guard let digit = peek(at: length), CQLLexer.isDigit(digit) else { return nil }
        var text = ""
        for _ in 0..<length {
            text.unicodeScalars.append(peek()!)
            advance()
        }
        return text + lexDigits()
    }

    /// The duration unit (lower case) starting at `index`, longest match first.
    func durationUnit(at index: Int) -> String? {
        for unit in ["mo", "ms", "us", "µs", "ns", "y", "w", "d", "h", "m", "s"] {
            let unitScalars = Array(unit.unicodeScalars)
            guard index + unitScalars.count <= scalars.count else { continue }
            let candidate = String(String.UnicodeScalarView(scalars[index..<index + unitScalars.count]))
            if candidate.lowercased() == unit { return unit }
        }
        return nil
    }

    /// Lexes the rest of a duration such as `1h30m` after its first number.
    mutating func lexDuration(firstUnit: String) throws(CQLSyntaxError) -> String {
        var text = ""
        var unit: String? = firstUnit
        while let current = unit {
            for _ in current.unicodeScalars { text.unicodeScalars.append(peek()!); advance() }
            guard let next = peek(), CQLLexer.isDigit(next) else { break }
            text += lexDigits()
            unit = durationUnit(at: offset)
            if unit == nil { throw recognitionError(peek().map { String(Character($0)) } ?? "<EOF>") }
        }
        if let scalar = peek(), CQLLexer.isIdentifierPart(scalar) {
            throw recognitionError(String(Character(scalar)))
        }
        return text
    }
}
