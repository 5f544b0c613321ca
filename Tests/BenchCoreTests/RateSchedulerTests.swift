import BenchCore
import Testing

/// `RateScheduler` and `OperationTiming`: due times, and latency counted from them.
@Suite struct RateSchedulerTests {
    @Test func operationsAreDueAtEvenIntervals() {
        let schedule = RateScheduler(startNs: 1_000, ratePerSecond: 1000)
        #expect(schedule.intendedStartNs(ticket: 0) == 1_000)
        #expect(schedule.intendedStartNs(ticket: 1) == 1_001_000)
        #expect(schedule.intendedStartNs(ticket: 2500) == 2_500_001_000)
    }

    @Test func countsTheOperationsDueInADuration() {
        let schedule = RateScheduler(startNs: 0, ratePerSecond: 200)
        #expect(schedule.ticketCount(durationNs: 1_000_000_000) == 200)
        #expect(schedule.ticketCount(durationNs: 2_500_000_000) == 500)
    }

    @Test func latencyIncludesTheWaitBeforeSending() {
        // Due at 1 ms, sent at 51 ms behind a stalled request, answered at 52 ms.
        let timing = OperationTiming(intendedNs: 1_000_000, sentNs: 51_000_000, doneNs: 52_000_000)
        #expect(timing.latencyNs == 51_000_000)
        #expect(timing.serviceNs == 1_000_000)
    }

    @Test func closedLoopLatencyIsServiceTime() {
        let timing = OperationTiming(intendedNs: 5, sentNs: 5, doneNs: 105)
        #expect(timing.latencyNs == 100 && timing.serviceNs == 100)
    }
}
