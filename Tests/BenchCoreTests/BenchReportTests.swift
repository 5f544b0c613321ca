@testable import BenchCore
import Foundation
import Testing

/// The JSON report's shape, the HTML page, and `compare`.
@Suite struct BenchReportTests {
    static func report(readMicroseconds: UInt64, opsPerRead: Int = 1000) -> BenchReport {
        var recorder = LatencyRecorder()
        for _ in 0..<opsPerRead {
            recorder.recordSuccess("read", timing: OperationTiming(intendedNs: 0, sentNs: 0, doneNs: readMicroseconds * 1000))
        }
        recorder.recordError("profile-read", kind: "connection-closed")
        recorder.closeInterval(timeS: 1, elapsedS: 1)
        let settings = BenchSettings(
            workload: "kv", hosts: ["127.0.0.1"], connections: 2, inFlight: 3, consistency: "ONE", durationS: 1,
            ops: nil, rate: nil, warmupS: 0, keyOffset: 0, keyCount: 0, keys: 100, rows: 10, distribution: "uniform",
            valueSize: "100", readRatio: 1, mix: "read=1", keyspace: "bench", replicationFactor: 1, whereClause: "",
            ranges: 4, scanTable: "kv", timeoutMs: 1000, seed: 1)
        return BenchReport(config: settings, summary: BenchReport.summary(of: recorder.total, names: ["read"], elapsedS: 1),
                           series: recorder.series,
                           process: ProcessUsage(cpuUserS: 1, cpuSystemS: 0.5, cpuPercent: 150, peakRssMb: 30), elapsedS: 1)
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let data = try Self.report(readMicroseconds: 500).jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: ["config", "summary", "series"]))
        let read = try #require((object["summary"] as? [String: Any])?["read"] as? [String: Any])
        for key in ["count", "errors", "timeouts", "ops_per_second", "latency_ms"] { #expect(read[key] != nil, "\(key)") }
        let latency = try #require(read["latency_ms"] as? [String: Double])
        #expect(Set(latency.keys) == ["p50", "p90", "p99", "p999", "p9999", "max"])
        let errors = try #require((object["summary"] as? [String: Any])?["profile-read"] as? [String: Any])
        #expect(errors["errors_by_kind"] as? [String: Int] == ["connection-closed": 1])
        #expect((object["config"] as? [String: Any])?["in_flight"] as? Int == 3)
    }

    @Test func jsonRoundTrips() throws {
        let report = Self.report(readMicroseconds: 500)
        let decoded = try BenchReport.decode(try report.jsonData())
        #expect(decoded.config == report.config)
        #expect(decoded.summary["read"]?.count == 1000)
        #expect(decoded.summary["read"]?.latencyMs == report.summary["read"]?.latencyMs)
        #expect(decoded.series.count == 1)
    }

    @Test func htmlIsSelfContainedWithThreePlots() {
        let page = HTMLReport.render(Self.report(readMicroseconds: 500))
        #expect(page.components(separatedBy: "<svg").count - 1 == 3)
        for title in ["Throughput", "Latency percentiles over time", "Latency distribution"] { #expect(page.contains(title)) }
        #expect(!page.contains("http://") || !page.contains("src=\"http"))
        #expect(!page.contains("<script src"))
        #expect(page.contains(">99.9%<") && page.contains(">90%<"))  // the distribution's tick labels
    }

    @Test func plotsLeaveOutAFinalSliverOfASecond() {
        var report = Self.report(readMicroseconds: 500)
        let whole = report.series[0]
        report.series = [whole, IntervalSample(timeS: 2, stats: [:], elapsedS: 1), IntervalSample(timeS: 2.003, stats: [:], elapsedS: 0.003)]
        #expect(HTMLReport.plottedSeries(report).map(\.timeS) == [1, 2], "the 3 ms tail is noise on a per-second plot")
        report.series.removeLast()
        #expect(HTMLReport.plottedSeries(report).count == 2, "whole seconds all stay")
    }

    @Test func comparisonGivesTheChangeInPercent() {
        let comparison = ReportComparison(Self.report(readMicroseconds: 1000, opsPerRead: 1000),
                                          Self.report(readMicroseconds: 500, opsPerRead: 1500))
        let throughput = comparison.metrics.first { $0.name == "read.ops_per_second" }
        #expect(throughput?.changePercent == 50)
        let p99 = comparison.metrics.first { $0.name == "read.latency_ms.p99" }
        #expect(abs((p99?.changePercent ?? 0) + 50) < 0.5)
        let text = comparison.render()
        #expect(text.contains("read.ops_per_second") && text.contains("+50.0%") && text.contains("better"))
    }
}
