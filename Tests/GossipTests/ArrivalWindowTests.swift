import Gossip
import Testing

@Suite struct ArrivalWindowTests {
    func window(capacity: Int = 1000) -> ArrivalWindow {
        ArrivalWindow(firstArrivalMillis: 0, initialIntervalMs: 2000, capacity: capacity, maxIntervalMs: 2000)
    }

    @Test func startsFromTheAssumedInterval() {
        let window = window()
        #expect(window.count == 1)
        #expect(window.meanIntervalMs == 2000)
        #expect(window.phi(nowMillis: 0) == 0)
    }

    @Test func meanFollowsRecordedIntervals() {
        var window = window()
        for second in 1...9 { window.record(arrivalMillis: Int64(second) * 1000) }
        #expect(window.count == 10)
        #expect(window.meanIntervalMs == 1100)   // (2000 + 9 * 1000) / 10
        #expect(window.lastArrivalMillis == 9000)
    }

    @Test func phiIsSilenceOverMeanTimesLnTen() {
        var window = window(capacity: 4)
        for second in 1...4 { window.record(arrivalMillis: Int64(second) * 1000) }   // seed overwritten
        #expect(window.meanIntervalMs == 1000)
        let phi = window.phi(nowMillis: 4000 + 10_000)
        #expect(abs(phi - 10 / 2.302_585_092_994_046) < 1e-9)
    }

    @Test func phiRisesWithSilence() {
        var window = window()
        for second in 1...30 { window.record(arrivalMillis: Int64(second) * 1000) }
        var previous = -1.0
        for silenceMs in stride(from: Int64(0), through: 30_000, by: 500) {
            let phi = window.phi(nowMillis: 30_000 + silenceMs)
            #expect(phi > previous)
            previous = phi
        }
    }

    @Test func intervalsAboveTheMaximumAreNotLearned() {
        var window = window()
        for second in 1...9 { window.record(arrivalMillis: Int64(second) * 1000) }
        window.record(arrivalMillis: 9000 + 60_000)   // a long partition
        #expect(window.count == 10)
        #expect(window.meanIntervalMs == 1100)
        #expect(window.lastArrivalMillis == 69_000)
        #expect(window.phi(nowMillis: 69_000) == 0)
    }

    @Test func aClockSteppingBackIsNotAnInterval() {
        var window = window()
        window.record(arrivalMillis: 1000)
        window.record(arrivalMillis: 500)
        #expect(window.count == 2)
        #expect(window.lastArrivalMillis == 500)
        #expect(window.phi(nowMillis: 100) == 0, "no negative phi before the last arrival")
    }

    @Test func holdsAtMostItsCapacity() {
        var window = window(capacity: 1000)
        for index in 1...1500 { window.record(arrivalMillis: Int64(index) * 500) }
        #expect(window.count == 1000)
        #expect(window.meanIntervalMs == 500)
    }

    @Test func sameMillisecondArrivalsKeepTheMeanPositive() {
        var window = window(capacity: 3)
        for _ in 0..<5 { window.record(arrivalMillis: 0) }
        #expect(window.meanIntervalMs == 1)
        #expect(window.phi(nowMillis: 10).isFinite)
    }
}
