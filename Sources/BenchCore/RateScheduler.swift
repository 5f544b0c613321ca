/// The intended start times of a fixed-rate (open-loop) run.
///
/// Operation number `ticket` is due at `startNs + ticket / rate`, whatever happened to the
/// ones before it. Measuring latency from that intended start, not from when a worker got
/// round to sending, counts the time a request waited behind slow ones (coordinated
/// omission, Gil Tene). Pure: the caller reads the clock and sleeps.
public struct RateScheduler: Sendable, Equatable {
    /// When ticket 0 is due, nanoseconds on the caller's monotonic clock.
    public let startNs: UInt64
    /// Operations per second over the whole run (all workers together); > 0.
    public let ratePerSecond: Double

    /// A schedule starting at `startNs`; requires a positive rate.
    public init(startNs: UInt64, ratePerSecond: Double) {
        precondition(ratePerSecond > 0, "a fixed rate is positive")
        self.startNs = startNs
        self.ratePerSecond = ratePerSecond
    }

    /// When operation `ticket` (0, 1, 2...) is due.
    public func intendedStartNs(ticket: Int) -> UInt64 {
        startNs + UInt64((Double(ticket) * 1e9 / ratePerSecond).rounded())
    }

    /// How many operations fall due within `durationNs` of the start.
    public func ticketCount(durationNs: UInt64) -> Int {
        Int((Double(durationNs) * ratePerSecond / 1e9).rounded(.up))
    }
}

/// The time one operation took, nanoseconds.
public struct OperationTiming: Sendable, Equatable {
    /// From the intended start (fixed rate) or the send (closed loop) to the response: what a
    /// user waiting for the operation saw.
    public let latencyNs: UInt64
    /// From the send to the response: the time the server and network took.
    public let serviceNs: UInt64

    /// The timing of an operation due at `intendedNs`, sent at `sentNs`, answered at `doneNs`
    /// (all on one monotonic clock). A send before its due time (never, in practice) counts
    /// from the send.
    public init(intendedNs: UInt64, sentNs: UInt64, doneNs: UInt64) {
        let start = min(intendedNs, sentNs)
        latencyNs = doneNs >= start ? doneNs - start : 0
        serviceNs = doneNs >= sentNs ? doneNs - sentNs : 0
    }
}
