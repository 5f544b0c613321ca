import BenchCore
import Testing

/// `KeyDistribution` parsing and `KeyChooser` ranges.
@Suite struct KeyChooserTests {
    @Test func parsesDistributions() {
        #expect(KeyDistribution(parsing: "uniform") == .uniform)
        #expect(KeyDistribution(parsing: "sequential") == .sequential)
        #expect(KeyDistribution(parsing: "zipfian") == .zipfian(exponent: 0.99))
        #expect(KeyDistribution(parsing: "zipfian:1.2") == .zipfian(exponent: 1.2))
        #expect(KeyDistribution(parsing: "zipfian:0") == nil)
        #expect(KeyDistribution(parsing: "gaussian") == nil)
    }

    @Test(arguments: [KeyDistribution.uniform, .sequential, .zipfian(exponent: 0.99)])
    func keysStayInTheRange(distribution: KeyDistribution) {
        let chooser = KeyChooser(offset: 500, count: 100, distribution: distribution)
        var random = SplitMixRandom(seed: 5)
        for ticket in 0..<5000 {
            #expect((500..<600).contains(chooser.key(ticket: ticket, random: &random)))
        }
    }

    @Test func sequentialFollowsTheTicketAndWraps() {
        let chooser = KeyChooser(offset: 10, count: 3, distribution: .sequential)
        var random = SplitMixRandom(seed: 0)
        #expect((0..<7).map { chooser.key(ticket: $0, random: &random) } == [10, 11, 12, 10, 11, 12, 10])
    }

    @Test func zipfianFavoursTheStartOfTheRange() {
        let chooser = KeyChooser(offset: 1000, count: 1000, distribution: .zipfian(exponent: 1.1))
        var random = SplitMixRandom(seed: 9)
        let keys = (0..<10_000).map { chooser.key(ticket: $0, random: &random) }
        #expect(keys.filter { $0 == 1000 }.count > keys.filter { $0 == 1500 }.count * 50)
    }
}
