import BenchCore
import Testing

/// The bench's small parsers: durations, rates, value sizes and operation mixes.
@Suite struct ParsingTests {
    @Test func durations() {
        #expect(DurationParsing.seconds("10") == 10)
        #expect(DurationParsing.seconds("10s") == 10)
        #expect(DurationParsing.seconds("500ms") == 0.5)
        #expect(DurationParsing.seconds("2m") == 120)
        #expect(DurationParsing.seconds("-1s") == nil)
        #expect(DurationParsing.seconds("ten") == nil)
        #expect(DurationParsing.rate("5000/s") == 5000)
        #expect(DurationParsing.rate("0") == nil)
    }

    @Test func valueSizes() {
        #expect(ValueSize(parsing: "100") == ValueSize(fixedBytes: 100))
        let range = ValueSize(parsing: "50..200")
        #expect(range?.minimumBytes == 50 && range?.maximumBytes == 200)
        #expect(ValueSize(parsing: "200..50") == nil)
        #expect(ValueSize(parsing: "1.5") == nil)
        var random = SplitMixRandom(seed: 1)
        for _ in 0..<1000 { #expect((50...200).contains(range!.next(using: &random))) }
    }

    @Test func mixes() {
        let allowed: Set<String> = ["read", "write"]
        let mix = OperationMix(parsing: "read=3, write=1", allowed: allowed)
        #expect(mix?.names == ["read", "write"] && mix?.weights == [3, 1])
        #expect(OperationMix(parsing: "read=0", allowed: allowed) == nil)
        #expect(OperationMix(parsing: "scan=1", allowed: allowed) == nil)
        var random = SplitMixRandom(seed: 4)
        let reads = (0..<10_000).filter { _ in mix!.choose(using: &random) == "read" }.count
        #expect((7000...8000).contains(reads))
    }
}
