import KVCore
import Ring
import Testing

/// `TokenRange`: `(start, end]` membership, wrap-around and size.
@Suite struct TokenRangeTests {
    @Test func plainRangeExcludesStartIncludesEnd() {
        let range = TokenRange(start: Token(10), end: Token(20))
        #expect(!range.isWrapping && !range.isFullRing)
        #expect(!range.contains(Token(10)))
        #expect(range.contains(Token(11)) && range.contains(Token(20)))
        #expect(!range.contains(Token(21)) && !range.contains(.minimum) && !range.contains(.maximum))
    }

    @Test func wrappingRangeContainsBothEnds() {
        let range = TokenRange(start: Token(100), end: Token(-100))
        #expect(range.isWrapping)
        #expect(range.contains(.maximum) && range.contains(.minimum) && range.contains(Token(-100)))
        #expect(!range.contains(Token(100)) && !range.contains(Token(0)) && !range.contains(Token(-99)))
    }

    @Test func equalEndsAreTheWholeRing() {
        let range = TokenRange(start: Token(5), end: Token(5))
        #expect(range.isFullRing && range.fractionOfRing == 1)
        #expect(range.contains(Token(5)) && range.contains(.minimum) && range.contains(.maximum))
    }

    @Test func fractionOfRing() {
        #expect(TokenRange(start: Token(0), end: .maximum).fractionOfRing == 0.5)
        #expect(TokenRange(start: .minimum, end: Token(0)).fractionOfRing == 0.5)
        #expect(TokenRange(start: Token(0), end: Token(Int64.min / 2)).fractionOfRing == 0.75)
        #expect(TokenRange(start: Token(1), end: Token(0)).fractionOfRing == 1)
        #expect(TokenRange(start: Token(10), end: Token(20)).description == "(10, 20]")
    }
}
