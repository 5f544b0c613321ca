import KVCore
import Testing

@Suite struct ManualClockTests {
    @Test func startsWhereToldAndMovesOnlyWhenAdvanced() {
        let clock = ManualClock(wallMicros: 5_000_000)
        #expect(clock.nowMicros() == 5_000_000)
        #expect(clock.monotonicNanos() == 0)
        #expect(clock.nowSeconds() == 5)
        #expect(clock.nowMicros() == 5_000_000)
        clock.advance(micros: 1_500_000)
        #expect(clock.nowMicros() == 6_500_000)
        #expect(clock.monotonicNanos() == 1_500_000_000)
        #expect(clock.nowSeconds() == 6)
    }

    @Test func wallClockJumpsLeaveTheMonotonicClockAlone() {
        let clock = ManualClock(wallMicros: 10_000_000)
        clock.advance(micros: 1)
        clock.jumpWallClock(micros: -3_000_000)
        #expect(clock.nowMicros() == 7_000_001)
        #expect(clock.monotonicNanos() == 1_000)
        clock.jumpWallClock(micros: 60_000_000)
        #expect(clock.nowSeconds() == 67)
        #expect(clock.monotonicNanos() == 1_000)
    }

    @Test func defaultStartIsNovember2023() {
        #expect(ManualClock().nowSeconds() == 1_700_000_000)
    }

    @Test func systemClockIsPlausible() {
        let clock = SystemClock()
        #expect(clock.nowSeconds() > 1_700_000_000)
        let first = clock.monotonicNanos()
        #expect(clock.monotonicNanos() >= first)
    }
}
