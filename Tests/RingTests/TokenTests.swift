import KVCore
import Ring
import Testing

/// `Token`: ordering, text, and the order-preserving byte form.
@Suite struct TokenTests {
    static let samples: [Int64] = [.min, .min + 1, -1_000_000, -256, -1, 0, 1, 255, 256, 1 << 40, .max - 1, .max]

    @Test func ordersAsSignedIntegers() {
        #expect(Token.minimum < Token(-1))
        #expect(Token(-1) < Token(0))
        #expect(Token(0) < Token.maximum)
        #expect(Token.minimum.value == Int64.min && Token.maximum.value == Int64.max)
    }

    @Test func textRoundTrips() {
        for value in Self.samples {
            #expect(Token(Token(value).description) == Token(value))
        }
        #expect(Token("not a token") == nil)
        #expect(Token("9223372036854775808") == nil)
    }

    @Test func orderPreservingBytesKnownValues() {
        #expect(Token.minimum.orderPreservingBytes == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Token(0).orderPreservingBytes == [0x80, 0, 0, 0, 0, 0, 0, 0])
        #expect(Token(-1).orderPreservingBytes == [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Token.maximum.orderPreservingBytes == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Token(0x0102_0304_0506_0708).orderPreservingBytes == [0x81, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func orderPreservingBytesRoundTrip() {
        let random = SeededRandomSource(seed: 7)
        let values = Self.samples + (0..<500).map { _ in Int64(bitPattern: random.nextUInt64()) }
        for value in values {
            let bytes = Token(value).orderPreservingBytes
            #expect(bytes.count == Token.orderPreservingByteCount)
            #expect(Token(orderPreservingBytes: bytes) == Token(value))
            #expect(Token(orderPreservingBytes: bytes[...]) == Token(value))
        }
    }

    @Test func orderPreservingBytesSortLikeTokens() {
        let random = SeededRandomSource(seed: 8)
        let tokens = (Self.samples + (0..<500).map { _ in Int64(bitPattern: random.nextUInt64()) }).map(Token.init)
        let byBytes = tokens.sorted { $0.orderPreservingBytes.lexicographicallyPrecedes($1.orderPreservingBytes) }
        #expect(byBytes == tokens.sorted())
    }

    @Test func orderPreservingBytesOfWrongLengthAreRefused() {
        #expect(Token(orderPreservingBytes: [UInt8]()) == nil)
        #expect(Token(orderPreservingBytes: [UInt8](repeating: 0, count: 7)) == nil)
        #expect(Token(orderPreservingBytes: [UInt8](repeating: 0, count: 9)) == nil)
    }
}
