/// A `Clock` on the simulation's virtual time: `now` is the executor's time and sleeping
/// waits for the executor to reach the deadline, however fast the machine is.
public struct VirtualClock: _Concurrency.Clock {
    /// A point in virtual time: the offset from the simulation's start.
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (left: Instant, right: Instant) -> Bool { left.offset < right.offset }
    }

    private let executor: SimulationExecutor

    public init(executor: SimulationExecutor) { self.executor = executor }

    public var now: Instant { Instant(offset: executor.now) }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await executor.sleep(until: deadline.offset)
    }
}
