import KVCore
import Testing

@Suite struct ValueOrderingTests {
    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    static func bigEndian(_ value: Double) -> [UInt8] { bigEndian(value.bitPattern) }

    static func keysOrderLikeValues<T>(_ values: [T], ordering: ValueOrdering, encode: (T) -> [UInt8],
                                       precedes: (T, T) -> Bool) -> Bool {
        values.allSatisfy { left in
            values.allSatisfy { right in
                ordering.sortKey(encode(left)).lexicographicallyPrecedes(ordering.sortKey(encode(right))) == precedes(left, right)
            }
        }
    }

    @Test func signedIntegersOrderNumerically() {
        let random = SeededRandomSource(seed: 12)
        var values: [Int32] = [.min, -1, 0, 1, .max]
        for _ in 0..<60 { values.append(Int32(truncatingIfNeeded: random.nextUInt64())) }
        #expect(Self.keysOrderLikeValues(values, ordering: .signedInteger, encode: Self.bigEndian, precedes: <))
        let longs: [Int64] = [.min, -300, -1, 0, 255, 256, .max]
        #expect(Self.keysOrderLikeValues(longs, ordering: .signedInteger, encode: Self.bigEndian, precedes: <))
    }

    @Test func doublesOrderNumericallyWithNegativeZeroFirst() {
        let values: [Double] = [-.infinity, -1e300, -2.5, -Double.leastNonzeroMagnitude, -0.0, 0.0,
                                .leastNonzeroMagnitude, 1, 3.25e10, .greatestFiniteMagnitude, .infinity]
        for (index, value) in values.enumerated() {
            for (otherIndex, other) in values.enumerated() {
                let key = ValueOrdering.floatingPoint.sortKey(Self.bigEndian(value))
                let otherKey = ValueOrdering.floatingPoint.sortKey(Self.bigEndian(other))
                #expect(key.lexicographicallyPrecedes(otherKey) == (index < otherIndex), "\(value) vs \(other)")
            }
        }
        let nan = ValueOrdering.floatingPoint.sortKey(Self.bigEndian(Double.nan))
        #expect(ValueOrdering.floatingPoint.sortKey(Self.bigEndian(Double.infinity)).lexicographicallyPrecedes(nan))
    }

    @Test func bytesAreTheirOwnKeyAndEmptyStaysEmpty() {
        #expect(ValueOrdering.bytes.sortKey([3, 0, 0xFF]) == [3, 0, 0xFF])
        for ordering in ValueOrdering.allCases { #expect(ordering.sortKey([]) == []) }
        var reused: [UInt8] = [9, 9, 9, 9, 9]
        [UInt8]([0x80, 0x01]).withUnsafeBytes { ValueOrdering.signedInteger.sortKey($0, into: &reused) }
        #expect(reused == [0x00, 0x01])
    }

    @Test func rawValuesAreStable() {
        #expect(ValueOrdering.bytes.rawValue == 0)
        #expect(ValueOrdering.signedInteger.rawValue == 1)
        #expect(ValueOrdering.floatingPoint.rawValue == 2)
    }
}
