import Testing

@testable import Coordinator

/// The rolling window behind `SpeculativeRetryPolicy.percentile`.
@Suite struct ReadLatencyWindowTests {
    static let limits = ReadLatencyWindow.Limits(capacity: 100, minimumSamples: 10, floorNanos: 1_000,
                                                 defaultDelayNanos: 777_000, resortEverySamples: 10)

    @Test func theDefaultHoldsUntilEnoughSamples() {
        var window = ReadLatencyWindow(limits: Self.limits)
        #expect(window.delayNanos(percentile: 99) == 777_000)
        for _ in 0..<9 { window.record(nanos: 5_000) }
        #expect(window.delayNanos(percentile: 99) == 777_000)
        window.record(nanos: 5_000)
        #expect(window.delayNanos(percentile: 99) == 5_000)
    }

    /// Nearest rank: p of n samples is the ceil(p/100 * n)-th smallest.
    @Test func percentilesAreNearestRank() {
        var window = ReadLatencyWindow(limits: Self.limits)
        for value in (1...100).reversed() { window.record(nanos: UInt64(value) * 10_000) }
        #expect(window.delayNanos(percentile: 99) == 990_000)
        #expect(window.delayNanos(percentile: 50) == 500_000)
        #expect(window.delayNanos(percentile: 99.5) == 1_000_000)
        #expect(window.delayNanos(percentile: 0.1) == 10_000)
    }

    @Test func theFloorBoundsFastReplicas() {
        var window = ReadLatencyWindow(limits: Self.limits)
        for _ in 0..<50 { window.record(nanos: 10) }
        #expect(window.delayNanos(percentile: 99) == 1_000)
    }

    /// Only the last `capacity` samples count: a slow spell is forgotten once enough fast
    /// answers follow it (after the next re-sort).
    @Test func oldSamplesLeaveTheWindow() {
        var window = ReadLatencyWindow(limits: Self.limits)
        for _ in 0..<100 { window.record(nanos: 900_000) }
        #expect(window.delayNanos(percentile: 99) == 900_000)
        for _ in 0..<99 { window.record(nanos: 20_000) }
        // One slow sample is left of 100: p99 is the 99th smallest, a fast one.
        #expect(window.delayNanos(percentile: 99) == 20_000)
        #expect(window.delayNanos(percentile: 100) == 900_000)
        window.record(nanos: 20_000)
        for _ in 0..<9 { window.record(nanos: 20_000) }
        #expect(window.delayNanos(percentile: 100) == 20_000)
        #expect(window.sampleCount == 100)
    }

    /// Once full, the window re-sorts only every `resortEverySamples` samples.
    @Test func aFullWindowResortsEveryFewSamples() {
        var window = ReadLatencyWindow(limits: Self.limits)
        for _ in 0..<100 { window.record(nanos: 30_000) }
        #expect(window.delayNanos(percentile: 50) == 30_000)
        for _ in 0..<9 { window.record(nanos: 60_000) }
        #expect(window.delayNanos(percentile: 50) == 30_000, "not re-sorted yet")
        for _ in 0..<41 { window.record(nanos: 60_000) }
        #expect(window.delayNanos(percentile: 50) == 30_000, "50 new of 100: the 50th smallest is still old")
        for _ in 0..<10 { window.record(nanos: 60_000) }
        #expect(window.delayNanos(percentile: 50) == 60_000, "re-sorted: 60 new of 100")
    }
}
