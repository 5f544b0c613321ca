import Synchronization

/// The number of requests in flight or queued on one connection, read by the pool to pick
/// the least loaded connection. Written on the connection's event loop, read from anywhere.
final class ConnectionLoad: Sendable {
    private let count = Atomic<Int>(0)

    /// Creates a counter at zero.
    init() {}

    /// The current count (relaxed: a hint for load balancing).
    var value: Int { count.load(ordering: .relaxed) }

    /// One more request.
    func increment() { count.add(1, ordering: .relaxed) }

    /// One request done.
    func decrement() { count.subtract(1, ordering: .relaxed) }
}
