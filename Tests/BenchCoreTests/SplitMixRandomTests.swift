import BenchCore
import Testing

/// `SplitMixRandom`: the reference sequence and independent worker streams.
@Suite struct SplitMixRandomTests {
    @Test func matchesTheReferenceSequence() {
        // SplitMix64 seeded 0 (Vigna's splitmix64.c): the first two outputs.
        var random = SplitMixRandom(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(SplitMixRandom.splitmix64(0) == 0xE220_A839_7B1D_CDAF)
    }

    @Test func workerStreamsAreNotShiftedCopies() {
        var first = SplitMixRandom.stream(seed: 1, index: 0)
        var second = SplitMixRandom.stream(seed: 1, index: 1)
        let a = (0..<1000).map { _ in first.next() }
        let b = Set((0..<1000).map { _ in second.next() })
        #expect(b.isDisjoint(with: a))
        var warmup = SplitMixRandom.stream(seed: 1, index: 0, phase: 1)
        #expect(warmup.next() != a[0])
    }

    @Test func unitIntervalStaysInRange() {
        var random = SplitMixRandom(seed: 7)
        for _ in 0..<10_000 {
            let value = random.nextUnitInterval()
            #expect(value >= 0 && value < 1)
        }
    }
}
