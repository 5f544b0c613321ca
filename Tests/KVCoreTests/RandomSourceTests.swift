import KVCore
import Testing

@Suite struct RandomSourceTests {
    /// splitmix64(x) from PERFORMANCE.md, computed independently (Python, mod 2^64).
    @Test func splitMixHashMatchesTheDocumentedFormula() {
        #expect(SplitMix64.hash(0) == 0xE220_A839_7B1D_CDAF)
        #expect(SplitMix64.hash(1) == 0x910A_2DEC_8902_5CC1)
        #expect(SplitMix64.hash(17) == 0x8084_75F0_2EE3_7363)
        #expect(SplitMix64.hash(42 * 16 + 1) == 0x63AD_AF0F_3A68_AD54)  // h(42, 1)
        #expect(SplitMix64.hash(.max) == 0xE4D9_7177_1B65_2C20)
    }

    @Test func seededSourceIsTheSplitMixSequence() {
        let source = SeededRandomSource(seed: 0)
        #expect(source.nextUInt64() == 0xE220_A839_7B1D_CDAF)
        #expect(source.nextUInt64() == 0x6E78_9E6A_A1B9_65F4)
        let seeded = SeededRandomSource(seed: 12345)
        for index in 1...5 { #expect(seeded.nextUInt64() == SplitMix64.hash(12345 &+ UInt64(index - 1) &* 0x9E37_79B9_7F4A_7C15)) }
    }

    @Test func sameSeedSameSequenceDifferentSeedDifferentSequence() {
        let a = SeededRandomSource(seed: 77), b = SeededRandomSource(seed: 77), c = SeededRandomSource(seed: 78)
        let sequenceA = (0..<100).map { _ in a.nextUInt64() }
        let sequenceB = (0..<100).map { _ in b.nextUInt64() }
        let sequenceC = (0..<100).map { _ in c.nextUInt64() }
        #expect(sequenceA == sequenceB)
        #expect(sequenceA != sequenceC)
        #expect(Set(sequenceA).count == 100)
    }

    @Test func boundedDrawsStayInRange() {
        let source = SeededRandomSource(seed: 5)
        var seen = Set<Int>()
        for _ in 0..<2_000 {
            let value = source.next(in: -3..<4)
            #expect((-3..<4).contains(value))
            seen.insert(value)
            #expect(source.next(below: 10) < 10)
            #expect(source.next(below: 1) == 0)
        }
        #expect(seen.count == 7, "every value of a small range shows up")
    }

    @Test func chanceAtTheExtremes() {
        let source = SeededRandomSource(seed: 6)
        var hits = 0
        for _ in 0..<1_000 {
            #expect(!source.chance(0))
            #expect(source.chance(1))
            if source.chance(0.5) { hits += 1 }
        }
        #expect((350...650).contains(hits))
    }

    @Test func mixIsTheFinaliser() {
        #expect(SplitMix64.mix(0) == 0)
        #expect(SplitMix64.hash(5) == SplitMix64.mix(5 &+ 0x9E37_79B9_7F4A_7C15))
    }
}
