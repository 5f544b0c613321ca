#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bench's clock: CLOCK_MONOTONIC in nanoseconds, which wall-clock steps cannot move.
enum MonotonicClock {
    /// Now, nanoseconds since an arbitrary fixed point.
    static func nowNs() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Sleeps until `deadlineNs` (returns at once if it has passed or the task is cancelled).
    static func sleep(untilNs deadlineNs: UInt64) async {
        let now = nowNs()
        guard deadlineNs > now else { return }
        try? await Task.sleep(nanoseconds: deadlineNs - now)
    }
}
