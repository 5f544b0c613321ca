import BenchCore
import Testing

/// `LatencyRecorder` and the summaries made from it: counts add up across intervals and
/// percentiles are ordered.
@Suite struct LatencyRecorderTests {
    static func timing(microseconds: UInt64) -> OperationTiming {
        OperationTiming(intendedNs: 0, sentNs: 0, doneNs: microseconds * 1000)
    }

    @Test func intervalsAddUpToTheTotal() {
        var recorder = LatencyRecorder()
        for second in 1...3 {
            for value in 1...100 { recorder.recordSuccess("read", timing: Self.timing(microseconds: UInt64(value * second))) }
            recorder.recordError("read", kind: "invalid")
            recorder.recordTimeout("write")
            recorder.closeInterval(timeS: Double(second), elapsedS: 1)
        }
        #expect(recorder.series.count == 3)
        #expect(recorder.total["read"]?.count == 300)
        #expect(recorder.total["read"]?.errorsByKind == ["invalid": 3])
        #expect(recorder.total["write"]?.timeouts == 3)
        #expect(recorder.series.map { $0.operations["read"]?.opsPerSecond ?? 0 } == [100, 100, 100])
        #expect(recorder.interval.isEmpty)
    }

    @Test func perLoopIntervalsMergeIntoOne() {
        var first = LatencyRecorder(), second = LatencyRecorder(), merged = LatencyRecorder()
        for value in 1...10 { first.recordSuccess("read", timing: Self.timing(microseconds: UInt64(value))) }
        for value in 1...5 { second.recordSuccess("read", timing: Self.timing(microseconds: UInt64(value * 100))) }
        second.recordError("write", kind: "invalid")
        second.recordTimeout("read")
        merged.merge(interval: first.takeInterval())
        merged.merge(interval: second.takeInterval())
        #expect(first.interval.isEmpty && second.interval.isEmpty)
        let sample = merged.closeInterval(timeS: 1, elapsedS: 1)
        #expect(merged.total["read"]?.count == 15)
        #expect(merged.total["read"]?.timeouts == 1)
        #expect(merged.total["write"]?.errorsByKind == ["invalid": 1])
        #expect(sample.operations["read"]?.opsPerSecond == 15)
        #expect(merged.total["read"]?.latency.max ?? 0 >= 500)
    }

    @Test func summaryPercentilesAreOrdered() {
        var stats = OperationStats()
        var random = SplitMixRandom(seed: 2)
        for _ in 0..<50_000 { stats.recordSuccess(Self.timing(microseconds: 50 + random.next() % 20_000), rows: 1) }
        let summary = OperationSummary(stats: stats, elapsedS: 10)
        let l = summary.latencyMs
        #expect(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.p9999 && l.p9999 <= l.max)
        #expect(abs(l.p50 - 10.05) < 0.3)
        #expect(summary.opsPerSecond == 5000)
        #expect(summary.rowsPerSecond == 5000)
        #expect(!summary.distribution.isEmpty)
    }

    @Test func slowOperationsAreClampedNotLost() {
        var stats = OperationStats()
        stats.recordSuccess(OperationTiming(intendedNs: 0, sentNs: 0, doneNs: 3_600_000_000_000), rows: 0)
        #expect(stats.count == 1)
        #expect(stats.latency.maxRecorded >= OperationStats.highestTrackableMicroseconds)
    }

    @Test func summaryListsNamedOperationsEvenWhenEmpty() {
        let summary = BenchReport.summary(of: [:], names: ["read", "write"], elapsedS: 1)
        #expect(Set(summary.keys) == ["read", "write"])
        #expect(summary["read"]?.count == 0 && summary["read"]?.latencyMs.max == 0)
    }
}
