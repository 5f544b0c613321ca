#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Gossip
import Testing

@Suite struct PhiAccrualFailureDetectorTests {
    let endpoint = GossipEndpoint(host: "10.0.0.1", port: 7000)

    /// The first whole second of silence after which `detector` convicts `endpoint`.
    func convictionSecond(_ detector: PhiAccrualFailureDetector, lastArrivalMillis: Int64) -> Int {
        var second = 0
        while !detector.isConvicted(endpoint, nowMillis: lastArrivalMillis + Int64(second) * 1000) { second += 1 }
        return second
    }

    /// The first millisecond of silence after which `detector` convicts `endpoint`.
    func convictionMillis(_ detector: PhiAccrualFailureDetector, lastArrivalMillis: Int64) -> Int64 {
        var silence: Int64 = 0
        while !detector.isConvicted(endpoint, nowMillis: lastArrivalMillis + silence) { silence += 1 }
        return silence
    }

    /// A detector fed heartbeats separated by `intervals` (cycled) `count` times from time 0;
    /// returns it with the last arrival.
    func fed(_ configuration: GossipConfiguration = GossipConfiguration(), intervals: [Int64],
             count: Int) -> (PhiAccrualFailureDetector, lastArrivalMillis: Int64) {
        var detector = PhiAccrualFailureDetector(configuration: configuration)
        var time: Int64 = 0
        detector.report(endpoint, nowMillis: time)
        for index in 0..<count {
            time += intervals[index % intervals.count]
            detector.report(endpoint, nowMillis: time)
        }
        return (detector, time)
    }

    @Test func unknownEndpointsHaveNoPhi() {
        let detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        #expect(detector.phi(endpoint, nowMillis: 1_000_000) == nil)
        #expect(!detector.isConvicted(endpoint, nowMillis: 1_000_000))
    }

    @Test func convictsAfterTwelveSecondsOfSilenceAtOneSecond() {
        let (detector, last) = fed(intervals: [1000], count: 1100)
        #expect(detector.threshold == 8)
        // Mean 1000 + 8000 ms pause, stddev 0 → sigma 500 ms: phi 8 at 9000 + 5.23 * 500 = 11.61 s.
        #expect(!detector.isConvicted(endpoint, nowMillis: last + 10_000))
        #expect(detector.isConvicted(endpoint, nowMillis: last + 14_000))
        let millis = convictionMillis(detector, lastArrivalMillis: last)
        #expect(millis > 11_550 && millis < 11_650)
        let seconds = convictionSecond(detector, lastArrivalMillis: last)
        print("[phi] 1 s heartbeats, threshold 8: convicted after \(seconds) s of silence (phi 8 at \(Double(millis) / 1000) s; phi at 10 s: \(detector.phi(endpoint, nowMillis: last + 10_000)!))")
        #expect(seconds == 12)
    }

    @Test func phiRisesAsSilenceGrowsAndStaysFinite() {
        let (detector, last) = fed(intervals: [1000], count: 60)
        let phis = (0...30).map { detector.phi(endpoint, nowMillis: last + Int64($0) * 1000)! }
        #expect(phis.first! < 1e-6)
        #expect(zip(phis, phis.dropFirst()).allSatisfy { $0 < $1 })
        // Any silence: finite, never decreasing, capped.
        let far = [Int64(60_000), 600_000, 86_400_000, 1 << 50].map { detector.phi(endpoint, nowMillis: last + $0)! }
        #expect(far.allSatisfy { $0.isFinite })
        #expect(zip(far, far.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(far.last == ArrivalWindow.maximumPhi)
        #expect(detector.phi(endpoint, nowMillis: .max)!.isFinite)
        #expect(detector.phi(endpoint, nowMillis: .min) == phis.first, "no silence before the last arrival")
    }

    @Test func phiIsAkkasFormula() {
        let (detector, last) = fed(intervals: [100, 1900], count: 200)
        let window = detector.window(for: endpoint)!
        #expect(window.meanIntervalMs == 1000)
        #expect(abs(window.intervalStandardDeviationMs - 900) < 1e-9)
        // Akka's code, literally: mean + pause, max(stddev, min), logistic approximation.
        func akka(_ timeDiff: Double) -> Double {
            let mean = 1000.0 + 8000, stdDeviation = max(900.0, 500)
            let y = (timeDiff - mean) / stdDeviation
            let e = exp(-y * (1.5976 + 0.070566 * y * y))
            return timeDiff > mean ? -log10(e / (1.0 + e)) : -log10(1.0 - 1.0 / (1.0 + e))
        }
        for silence in stride(from: Int64(0), through: 20_000, by: 250) {
            let phi = detector.phi(endpoint, nowMillis: last + silence)!
            let expected = akka(Double(silence))
            #expect(abs(phi - expected) <= 1e-9 * max(1, expected), "silence \(silence) ms: \(phi) vs \(expected)")
        }
    }

    @Test func jitteryAndBurstyHeartbeatsAreNotConvictedWithinTenSeconds() {
        let patterns: [(String, [Int64])] = [
            ("alternating 0.1 s / 1.9 s", [100, 1900]),
            ("bursts of 3 relayed at once every 2 s", [0, 0, 2000]),
            ("bursts of 2 then 1.5 s gaps", [5, 1500, 10, 1400]),
            ("uniform jitter 0.5-1.5 s", (0..<97).map { 500 + Int64(($0 * 7919) % 1001) }),
        ]
        for (name, intervals) in patterns {
            let (detector, last) = fed(intervals: intervals, count: 1500)
            for silence in stride(from: Int64(0), through: 10_000, by: 100) {
                #expect(!detector.isConvicted(endpoint, nowMillis: last + silence), "\(name): convicted after \(silence) ms")
            }
            let seconds = convictionSecond(detector, lastArrivalMillis: last)
            let window = detector.window(for: endpoint)!
            print("[phi] \(name) (mean \(Int(window.meanIntervalMs)) ms, stddev \(Int(window.intervalStandardDeviationMs)) ms): convicted after \(seconds) s of silence")
            #expect(seconds <= 15)
        }
    }

    @Test func aNewEndpointStartsFromTheAssumedInterval() {
        var detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        detector.report(endpoint, nowMillis: 0)
        // Only the assumed 1 s interval, no spread: the same 12 s as steady 1 s heartbeats.
        #expect(detector.window(for: endpoint)?.count == 0)
        #expect(convictionSecond(detector, lastArrivalMillis: 0) == 12)
    }

    @Test func theAssumedIntervalDropsOutAtTheFirstMeasuredOne() {
        var configuration = GossipConfiguration()
        configuration.initialArrivalIntervalMs = 5000
        var detector = PhiAccrualFailureDetector(configuration: configuration)
        detector.report(endpoint, nowMillis: 0)
        #expect(detector.window(for: endpoint)!.meanIntervalMs == 5000)
        #expect(convictionSecond(detector, lastArrivalMillis: 0) == 16)   // 5000 + 8000 + 2613 ms
        // A first interval longer than the maximum is not measured: the assumption stays.
        detector.report(endpoint, nowMillis: 10_000)
        #expect(detector.window(for: endpoint)!.count == 0)
        #expect(detector.window(for: endpoint)!.meanIntervalMs == 5000)
        // The first measured interval replaces it entirely.
        detector.report(endpoint, nowMillis: 11_000)
        #expect(detector.window(for: endpoint)!.count == 1)
        #expect(detector.window(for: endpoint)!.meanIntervalMs == 1000)
        #expect(convictionSecond(detector, lastArrivalMillis: 11_000) == 12)
    }

    @Test func thresholdIsConfigurable() {
        func seconds(threshold: Double) -> Int {
            var configuration = GossipConfiguration()
            configuration.phiConvictThreshold = threshold
            configuration.arrivalWindowCapacity = 10
            let (detector, last) = fed(configuration, intervals: [1000], count: 20)
            #expect(detector.threshold == threshold)
            return convictionSecond(detector, lastArrivalMillis: last)
        }
        let (four, eight, twelve, sixteen) = (seconds(threshold: 4), seconds(threshold: 8), seconds(threshold: 12), seconds(threshold: 16))
        print("[phi] 1 s heartbeats: convicted after \(four) s at threshold 4, \(eight) s at 8, \(twelve) s at 12, \(sixteen) s at 16")
        #expect(four == 11)      // phi 4 at 10.82 s
        #expect(eight == 12)     // phi 8 at 11.61 s
        #expect(twelve == 13)    // phi 12 at 12.15 s
        #expect(sixteen == 13)   // phi 16 at 12.58 s
    }

    @Test func pauseAndDeviationAreConfigurable() {
        var configuration = GossipConfiguration()
        configuration.acceptableHeartbeatPauseMs = 3000
        configuration.minStandardDeviationMs = 200
        let (detector, last) = fed(configuration, intervals: [1000], count: 100)
        // Mean 1000 + 3000 ms, sigma 200 ms: phi 8 at 4000 + 5.23 * 200 = 5.05 s.
        #expect(convictionSecond(detector, lastArrivalMillis: last) == 6)
        let millis = convictionMillis(detector, lastArrivalMillis: last)
        #expect(millis > 5020 && millis < 5070)
    }

    @Test func slowerHeartbeatsConvictLater() {
        let (half, halfLast) = fed(intervals: [500], count: 2000)
        let (one, oneLast) = fed(intervals: [1000], count: 2000)
        let (two, twoLast) = fed(intervals: [2000], count: 2000)
        let millis = [convictionMillis(half, lastArrivalMillis: halfLast), convictionMillis(one, lastArrivalMillis: oneLast),
                      convictionMillis(two, lastArrivalMillis: twoLast)]
        // Each mean is shifted by the same 8 s pause: 11.11 s, 11.61 s, 12.61 s.
        #expect(millis[0] < millis[1] && millis[1] < millis[2])
        #expect(abs(millis[2] - millis[0] - 1500) <= 1)
    }

    @Test func removeForgetsTheHistory() {
        let (detector, _) = fed(intervals: [1000], count: 10)
        var forgetting = detector
        forgetting.remove(endpoint)
        #expect(forgetting.phi(endpoint, nowMillis: 20_000) == nil)
        forgetting.report(endpoint, nowMillis: 20_000)
        #expect(forgetting.window(for: endpoint)?.count == 0)
        #expect(forgetting.window(for: endpoint)?.lastArrivalMillis == 20_000)
    }
}
