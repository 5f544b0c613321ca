import Synchronization

/// Hands out a run's operation numbers (tickets) 0, 1, 2... in blocks, each ticket once, up
/// to an optional limit. One event loop's workers take a block at a time and hand its
/// tickets out among themselves, so the counter both cores write is touched once a block,
/// not once an operation. Tickets then leave slightly out of order across loops, which
/// only fixed-rate runs (where a ticket is a due time) would notice; they take blocks of 1.
/// Thread-safe.
public final class TicketCounter: Sendable {
    private let next = Atomic<Int>(0)

    /// A counter at ticket 0.
    public init() {}

    /// The next `count` tickets (at least 1), cut at `limit`: empty once the limit is reached.
    public func takeBlock(_ count: Int, limit: Int?) -> Range<Int> {
        precondition(count >= 1, "a block holds at least one ticket")
        let start = next.add(count, ordering: .relaxed).oldValue
        guard let limit else { return start..<(start + count) }
        return min(start, limit)..<min(start + count, limit)
    }

    /// Starts again from ticket 0 (between phases, when no worker runs).
    public func reset() {
        next.store(0, ordering: .relaxed)
    }
}
