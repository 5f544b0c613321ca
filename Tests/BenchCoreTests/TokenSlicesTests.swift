import BenchCore
import Testing

/// `TokenSlices`: contiguous slices covering the whole ring.
@Suite struct TokenSlicesTests {
    @Test(arguments: [1, 2, 3, 16, 64, 1000])
    func slicesCoverTheRingContiguously(count: Int) {
        var previousUpper = Int64.min
        for index in 0..<count {
            let slice = TokenSlices.slice(index, of: count)
            #expect(slice.lower == previousUpper)
            #expect(slice.lower < slice.upper)
            previousUpper = slice.upper
        }
        #expect(previousUpper == Int64.max)
    }
}
