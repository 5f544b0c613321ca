import BenchCore
import Foundation
import Testing

/// `ZipfianGenerator`: ranks in range and frequencies proportional to 1/k^s.
@Suite struct ZipfianGeneratorTests {
    @Test(arguments: [0.5, 0.99, 1.0, 1.2])
    func frequenciesFollowThePowerLaw(exponent: Double) {
        let count = 100, draws = 200_000
        let generator = ZipfianGenerator(count: count, exponent: exponent)
        var random = SplitMixRandom(seed: 3)
        var histogram = [Int](repeating: 0, count: count + 1)
        for _ in 0..<draws {
            let rank = generator.next(using: &random)
            #expect((1...count).contains(rank))
            histogram[rank] += 1
        }
        let normalizer = (1...count).reduce(0.0) { $0 + 1 / pow(Double($1), exponent) }
        for rank in [1, 2, 10] {
            let expected = 1 / pow(Double(rank), exponent) / normalizer
            let observed = Double(histogram[rank]) / Double(draws)
            #expect(abs(observed - expected) < 0.01, "rank \(rank): \(observed) vs \(expected)")
        }
    }

    @Test func oneRankAlwaysDrawsIt() {
        let generator = ZipfianGenerator(count: 1, exponent: 0.99)
        var random = SplitMixRandom(seed: 1)
        for _ in 0..<100 { #expect(generator.next(using: &random) == 1) }
    }
}
