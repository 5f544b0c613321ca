#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Gossip
import Testing

@Suite struct ArrivalWindowTests {
    func window(capacity: Int = 1000, initialIntervalMs: Int64 = 2000) -> ArrivalWindow {
        ArrivalWindow(firstArrivalMillis: 0, initialIntervalMs: initialIntervalMs, capacity: capacity, maxIntervalMs: 2000,
                      minStandardDeviationMs: 500, acceptableHeartbeatPauseMs: 8000)
    }

    @Test func startsFromTheAssumedInterval() {
        let window = window()
        #expect(window.count == 0)
        #expect(window.meanIntervalMs == 2000)
        #expect(window.intervalStandardDeviationMs == 0)
        #expect(window.phi(nowMillis: 0) < 1e-6)
        // Mean 2000 + 8000, sigma 500: phi 8 at 12.61 s.
        #expect(window.phi(nowMillis: 12_500) < 8 && window.phi(nowMillis: 12_700) > 8)
    }

    @Test func theAssumedIntervalStopsCountingAtTheFirstRecordedOne() {
        var window = window()
        window.record(arrivalMillis: 1000)
        #expect(window.count == 1)
        #expect(window.meanIntervalMs == 1000, "not (2000 + 1000) / 2: the assumption is not in the window")
        for second in 2...9 { window.record(arrivalMillis: Int64(second) * 1000) }
        #expect(window.count == 9)
        #expect(window.meanIntervalMs == 1000)
        #expect(window.lastArrivalMillis == 9000)
    }

    @Test func meanAndDeviationFollowRecordedIntervals() {
        var window = window()
        var time: Int64 = 0
        for index in 0..<100 {
            time += index.isMultiple(of: 2) ? 100 : 1900
            window.record(arrivalMillis: time)
        }
        #expect(window.count == 100)
        #expect(window.meanIntervalMs == 1000)
        #expect(window.intervalVarianceMs2 == 810_000)   // 900²
        #expect(window.intervalStandardDeviationMs == 900)
    }

    @Test func phiUsesMeanPlusPauseAndTheDeviationFloor() {
        var window = window()
        for second in 1...10 { window.record(arrivalMillis: Int64(second) * 1000) }
        // stddev 0 → floored at 500; mean 1000 + pause 8000.
        for silence in [0.0, 5000, 9000, 10_000, 11_612, 14_000] {
            let expected = ArrivalWindow.phi(silenceMs: silence, meanMs: 9000, standardDeviationMs: 500)
            #expect(window.phi(nowMillis: 10_000 + Int64(silence)) == expected)
        }
        // At the shifted mean the probability is 1/2.
        #expect(abs(window.phi(nowMillis: 10_000 + 9000) - 0.301_029_995_663_981_2) < 1e-12)
    }

    @Test func theFormulaIsAStableLogisticApproximation() {
        // Symmetric around the mean: P(X > mu + d) = 1 - P(X > mu - d).
        for d in [100.0, 500, 1000, 2000] {
            let above = ArrivalWindow.phi(silenceMs: 10_000 + d, meanMs: 10_000, standardDeviationMs: 1000)
            let below = ArrivalWindow.phi(silenceMs: 10_000 - d, meanMs: 10_000, standardDeviationMs: 1000)
            let pAbove = 1 / pow(10, above), pBelow = 1 / pow(10, below)
            #expect(abs(pAbove + pBelow - 1) < 1e-12)
        }
        // Far tails: no overflow, no underflow, no infinity.
        #expect(ArrivalWindow.phi(silenceMs: 0, meanMs: 1e12, standardDeviationMs: 1) == 0)
        #expect(ArrivalWindow.phi(silenceMs: 1e12, meanMs: 0, standardDeviationMs: 1) == ArrivalWindow.maximumPhi)
        #expect(ArrivalWindow.phi(silenceMs: .infinity, meanMs: 0, standardDeviationMs: 1) == ArrivalWindow.maximumPhi)
        // y = 20: z ≈ 596, phi ≈ 259 (where exp(-z) alone would underflow at y ≈ 25).
        let phi20 = ArrivalWindow.phi(silenceMs: 20, meanMs: 0, standardDeviationMs: 1)
        #expect(abs(phi20 - 20 * (1.5976 + 0.070566 * 400) / 2.302_585_092_994_046) < 1e-9)
        let phi30 = ArrivalWindow.phi(silenceMs: 30, meanMs: 0, standardDeviationMs: 1)
        #expect(phi30.isFinite && phi30 > phi20)
    }

    @Test func phiRisesWithSilence() {
        var window = window()
        var time: Int64 = 0
        for index in 1...30 {
            time += index.isMultiple(of: 3) ? 1700 : 650
            window.record(arrivalMillis: time)
        }
        var previous = -1.0
        for silenceMs in stride(from: Int64(0), through: 60_000, by: 100) {
            let phi = window.phi(nowMillis: time + silenceMs)
            #expect(phi > previous && phi.isFinite)
            previous = phi
        }
        #expect(window.phi(nowMillis: .max) == ArrivalWindow.maximumPhi)
    }

    @Test func intervalsAboveTheMaximumAreNotLearned() {
        var window = window()
        for second in 1...9 { window.record(arrivalMillis: Int64(second) * 1000) }
        window.record(arrivalMillis: 9000 + 60_000)   // a long partition, or a node down and back
        #expect(window.count == 9)
        #expect(window.meanIntervalMs == 1000)
        #expect(window.intervalStandardDeviationMs == 0)
        #expect(window.lastArrivalMillis == 69_000)
        #expect(window.phi(nowMillis: 69_000) < 1e-6)
    }

    @Test func aClockSteppingBackIsNotAnInterval() {
        var window = window()
        window.record(arrivalMillis: 1000)
        window.record(arrivalMillis: 500)
        #expect(window.count == 1)
        #expect(window.lastArrivalMillis == 500)
        #expect(window.phi(nowMillis: 100) == window.phi(nowMillis: 500), "no negative silence before the last arrival")
        // Absurd jumps neither trap nor count.
        window.record(arrivalMillis: .min)
        window.record(arrivalMillis: .max)
        #expect(window.count == 1)
        #expect(window.phi(nowMillis: .min).isFinite)
    }

    @Test func holdsAtMostItsCapacity() {
        var window = window(capacity: 1000)
        for index in 1...1500 { window.record(arrivalMillis: Int64(index) * 500) }
        #expect(window.count == 1000)
        #expect(window.meanIntervalMs == 500)
        #expect(window.intervalStandardDeviationMs == 0)
    }

    @Test func runningSumsMatchTheLastIntervalsAcrossWraps() {
        var window = window(capacity: 7)
        var time: Int64 = 0
        var recorded: [Int64] = []
        for index in 0..<100 {
            let interval = Int64((index * 613) % 2001)
            time += interval
            window.record(arrivalMillis: time)
            recorded.append(interval)
            let last = recorded.suffix(7).map(Double.init)
            let mean = last.reduce(0, +) / Double(last.count)
            let variance = last.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(last.count)
            #expect(window.count == last.count)
            #expect(abs(window.meanIntervalMs - max(mean, 1)) < 1e-9)
            #expect(abs(window.intervalVarianceMs2 - variance) < 1e-6)
        }
    }

    @Test func sameMillisecondArrivalsKeepTheMeanPositive() {
        var window = window(capacity: 3)
        for _ in 0..<5 { window.record(arrivalMillis: 0) }
        #expect(window.count == 3)
        #expect(window.meanIntervalMs == 1)
        #expect(window.phi(nowMillis: 10).isFinite)
    }
}
