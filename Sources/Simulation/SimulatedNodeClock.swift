import KVCore
import Synchronization

/// One simulated node's `KVCore.Clock`: virtual time, plus a wall-clock offset that the
/// simulator jumps to model NTP steps and skew. The monotonic reading never jumps.
public final class SimulatedNodeClock: Clock {
    /// The simulated wall clock starts at 2023-11-14T22:13:20Z.
    public static let startMicros: Int64 = 1_700_000_000_000_000
    private let executor: SimulationExecutor
    private let skewMicros = Atomic<Int64>(0)

    public init(executor: SimulationExecutor) { self.executor = executor }

    public func nowMicros() -> Int64 {
        Self.startMicros + Self.micros(executor.now) + skewMicros.load(ordering: .relaxed)
    }

    public func monotonicNanos() -> UInt64 {
        let (seconds, attoseconds) = executor.now.components
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    /// Moves this node's wall clock by `micros` (either way) from now on.
    public func jump(micros: Int64) {
        skewMicros.wrappingAdd(micros, ordering: .relaxed)
    }

    /// The node's current offset from true (virtual) time.
    public var skew: Int64 { skewMicros.load(ordering: .relaxed) }

    static func micros(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
