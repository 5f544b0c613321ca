import Gossip
import Testing

@Suite struct TokenListValueTests {
    @Test func roundTrips() {
        for tokens: [Int64] in [[], [0], [Int64.min, -1, 42, Int64.max]] {
            #expect(TokenListValue.tokens(from: TokenListValue.string(from: tokens)) == tokens)
        }
        #expect(TokenListValue.string(from: [-3, 7]) == "-3,7")
    }

    @Test(arguments: [",", "1,", ",1", "1,,2", "x", "9223372036854775808", "1 ,2"])
    func rejectsMalformedLists(_ value: String) {
        #expect(TokenListValue.tokens(from: value) == nil)
    }

    @Test func boundsTheCount() {
        #expect(TokenListValue.tokens(from: "1,2,3", maxCount: 2) == nil)
        #expect(TokenListValue.tokens(from: "1,2", maxCount: 2) == [1, 2])
    }
}
