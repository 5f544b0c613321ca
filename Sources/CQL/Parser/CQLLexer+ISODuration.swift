/// ISO 8601 duration literals, as Cassandra's lexer takes them: `P1Y2M3DT4H5M6S` (format with
/// designators), `P2W` (weeks) and `P0001-02-03T04:05:06` (alternative format). The `P` and
/// the designators are upper case only, so `p1d` stays an identifier; an unquoted `P1D` is a
/// duration wherever it appears, as in Cassandra. Unlike Cassandra, a bare `P` or `PT` (no
/// amount at all) stays an identifier.
extension CQLLexer {
    /// The number of scalars of the ISO 8601 duration starting at `index`, or nil when none
    /// starts there or an identifier character follows it.
    func isoDurationLength(at index: Int) -> Int? {
        guard index < scalars.count, scalars[index] == "P" else { return nil }
        guard let end = isoAlternativeEnd(from: index + 1) ?? isoDesignatorsEnd(from: index + 1) else { return nil }
        if end < scalars.count, CQLLexer.isIdentifierPart(scalars[end]) { return nil }
        return end - index
    }

    /// Consumes the next `count` scalars and returns them as text.
    mutating func consume(_ count: Int) -> String {
        let text = String(String.UnicodeScalarView(scalars[offset..<offset + count]))
        for _ in 0..<count { advance() }
        return text
    }

    /// The end of `nW` or `[nY][nM][nD][T[nH][nM][nS]]` (at least one amount) from `start`.
    private func isoDesignatorsEnd(from start: Int) -> Int? {
        if let end = designatedAmountEnd(from: start, designator: "W") { return end }
        var index = start
        var amountCount = 0
        for designator in "YMD".unicodeScalars {
            guard let end = designatedAmountEnd(from: index, designator: designator) else { continue }
            index = end
            amountCount += 1
        }
        if index < scalars.count, scalars[index] == "T" {
            index += 1
            for designator in "HMS".unicodeScalars {
                guard let end = designatedAmountEnd(from: index, designator: designator) else { continue }
                index = end
                amountCount += 1
            }
        }
        return amountCount > 0 ? index : nil
    }

    /// The end of `digits designator` from `start`, if that is what is there.
    private func designatedAmountEnd(from start: Int, designator: Unicode.Scalar) -> Int? {
        var index = start
        while index < scalars.count, CQLLexer.isDigit(scalars[index]) { index += 1 }
        guard index > start, index < scalars.count, scalars[index] == designator else { return nil }
        return index + 1
    }

    /// The end of `yyyy-mm-ddThh:mm:ss` (digit counts fixed) from `start`.
    private func isoAlternativeEnd(from start: Int) -> Int? {
        let pattern = Array("####-##-##T##:##:##".unicodeScalars)
        guard start + pattern.count <= scalars.count else { return nil }
        for (position, expected) in pattern.enumerated() {
            let scalar = scalars[start + position]
            guard expected == "#" ? CQLLexer.isDigit(scalar) : scalar == expected else { return nil }
        }
        return start + pattern.count
    }
}
