import Synchronization

/// A snapshot of a transport's loss counters, for metrics and tests. All counts since start.
public struct TransportStatistics: Sendable, Equatable {
    /// Outbound messages not sent: the peer's queue was full, its connect failed, or the
    /// transport was shut down (one-way messages; failed requests are not counted here).
    public var droppedOutboundMessages: Int = 0
    /// Inbound messages not handled: no handler for the verb, or too many handlers running.
    /// (Messages an `InMemoryNetwork` fault loses are counted by the network.)
    public var droppedInboundMessages: Int = 0
    /// Connections closed because a frame was malformed, oversized or of an unknown version.
    public var rejectedConnections: Int = 0
    /// Outbound connection attempts that failed.
    public var failedConnects: Int = 0

    /// All zeros.
    public init() {}
}

/// The live counters behind `TransportStatistics`; lock-free, shared by a transport's parts.
final class TransportCounters: Sendable {
    /// See `TransportStatistics.droppedOutboundMessages`.
    let droppedOutboundMessages = Atomic<Int>(0)
    /// See `TransportStatistics.droppedInboundMessages`.
    let droppedInboundMessages = Atomic<Int>(0)
    /// See `TransportStatistics.rejectedConnections`.
    let rejectedConnections = Atomic<Int>(0)
    /// See `TransportStatistics.failedConnects`.
    let failedConnects = Atomic<Int>(0)

    /// The current values (each read separately, so not one instant across counters).
    var snapshot: TransportStatistics {
        var statistics = TransportStatistics()
        statistics.droppedOutboundMessages = droppedOutboundMessages.load(ordering: .relaxed)
        statistics.droppedInboundMessages = droppedInboundMessages.load(ordering: .relaxed)
        statistics.rejectedConnections = rejectedConnections.load(ordering: .relaxed)
        statistics.failedConnects = failedConnects.load(ordering: .relaxed)
        return statistics
    }
}
