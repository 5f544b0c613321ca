#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The source of time. Distributed and storage logic read time only through a `Clock`,
/// so that tests and the simulator can drive it.
public protocol Clock: Sendable {
    /// Wall-clock time in microseconds since the Unix epoch: write timestamps, TTL expiry,
    /// tombstone ages. May jump (NTP, a simulated skew).
    func nowMicros() -> Int64
    /// A monotonic reading in nanoseconds, for measuring intervals only.
    func monotonicNanos() -> UInt64
}

extension Clock {
    /// Wall-clock time in whole seconds since the epoch (local deletion and expiry times).
    public func nowSeconds() -> Int64 { seconds(ofMicros: nowMicros()) }

    /// What `nowSeconds()` gives for a `nowMicros()` reading already taken.
    public func seconds(ofMicros micros: Int64) -> Int64 { micros / 1_000_000 }
}

/// The machine's clocks.
public struct SystemClock: Clock {
    public init() {}

    public func nowMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }

    public func monotonicNanos() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// A clock that moves only when told to. Thread-safe.
public final class ManualClock: Clock {
    private let state: Mutex<(wallMicros: Int64, monotonicNanos: UInt64)>

    /// Starts at `wallMicros` on the wall clock and 0 on the monotonic clock.
    public init(wallMicros: Int64 = 1_700_000_000_000_000) {
        state = Mutex((wallMicros, 0))
    }

    public func nowMicros() -> Int64 { state.withLock { $0.wallMicros } }
    public func monotonicNanos() -> UInt64 { state.withLock { $0.monotonicNanos } }

    /// Moves both clocks forward by `micros`.
    public func advance(micros: Int64) {
        precondition(micros >= 0, "time moves forward; use jumpWallClock for skew")
        state.withLock {
            $0.wallMicros += micros
            $0.monotonicNanos += UInt64(micros) * 1000
        }
    }

    /// Moves only the wall clock, by any amount (a clock jump or skew).
    public func jumpWallClock(micros: Int64) {
        state.withLock { $0.wallMicros += micros }
    }
}
