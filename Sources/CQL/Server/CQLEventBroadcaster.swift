import Synchronization

/// Fans server-pushed EVENTs out to the connections that REGISTERed for their type.
///
/// One per server, shared by all its connections. A connection subscribes once it has
/// registered (`CQLConnectionHandler` does this) with a delivery closure that hops to its
/// own event loop; `broadcast` calls the deliveries of exactly the subscribers registered
/// for the event's type, outside the lock. Subscribers are at most the server's admitted
/// connections, so the table is bounded by `CQLServerConfiguration.maxConnections`.
/// Thread-safe; `broadcast` may be called from any thread or task.
public final class CQLEventBroadcaster: Sendable {
    /// Hands one event to a connection; must not block (hop to the connection's loop).
    public typealias Delivery = @Sendable (ProtocolEvent) -> Void

    private struct Subscriber: Sendable {
        var types: Set<ProtocolEventType>
        var deliver: Delivery
    }

    private let subscribers = Mutex<[UInt64: Subscriber]>([:])

    /// Creates a broadcaster with no subscriber.
    public init() {}

    /// Subscribes (or re-subscribes with new types) the connection `connectionID`. Pair
    /// with `unsubscribe` when the connection closes.
    public func subscribe(connectionID: UInt64, types: Set<ProtocolEventType>, deliver: @escaping Delivery) {
        subscribers.withLock { $0[connectionID] = Subscriber(types: types, deliver: deliver) }
    }

    /// Forgets the connection; later broadcasts do not reach it.
    public func unsubscribe(connectionID: UInt64) {
        _ = subscribers.withLock { $0.removeValue(forKey: connectionID) }
    }

    /// The number of subscribed connections.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Hands `event` to every connection registered for its type; returns how many.
    @discardableResult
    public func broadcast(_ event: ProtocolEvent) -> Int {
        let deliveries = subscribers.withLock { subscribers in
            subscribers.values.filter { $0.types.contains(event.type) }.map(\.deliver)
        }
        for deliver in deliveries { deliver(event) }
        return deliveries.count
    }
}
