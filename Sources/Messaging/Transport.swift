/// The internode transport: how one node sends opaque payloads, tagged with a verb, to
/// another, and answers what others send it. `NIOTransport` is the real one (framed TCP);
/// `InMemoryTransport` runs a cluster inside one process with injectable faults.
///
/// All methods may be called from any thread or task. Delivery is at most once; messages to
/// one peer leave in the order they were sent but may be lost (a dropped connection, a full
/// queue, a fault), so callers that care use `request` and its timeout.
public protocol Transport: Sendable {
    /// The address this node listens on and sends as (for `NIOTransport`, with the port it
    /// actually bound when 0 was asked for).
    var localAddress: NodeAddress { get }

    /// Installs `handler` for messages of `verb`, replacing any earlier one; nil removes it.
    /// Requests for a verb without a handler get an error response; one-way messages for it
    /// are dropped and counted.
    func setHandler(for verb: Verb, _ handler: MessageHandler?)

    /// Sends a one-way message, best effort: it returns at once, and the message is dropped
    /// (and counted) when the peer's bounded queue is full, the peer is unreachable or the
    /// transport is shut down.
    func send(_ payload: [UInt8], verb: Verb, to destination: NodeAddress)

    /// Sends a request and waits for its answer, at most `timeout` (nil: the verb's default
    /// from `MessagingConfiguration`). Returns the payload of the peer's `Reply.success`.
    /// Throws `.timeout`, `.unreachable`, `.connectionLost`, `.queueFull`, `.remoteError`,
    /// `.payloadTooLarge`, `.closed` or `.cancelled`.
    func request(
        _ payload: [UInt8], verb: Verb, to destination: NodeAddress, timeout: Duration?
    ) async throws(MessagingError) -> [UInt8]

    /// Counters of dropped and rejected messages since the transport started.
    var statistics: TransportStatistics { get }

    /// Stops listening, fails waiting requests with `.closed`, drops queued messages,
    /// cancels running handlers and closes connections. Idempotent; later calls to `send`
    /// drop and to `request` throw `.closed`.
    func shutdown() async
}

extension Transport {
    /// `request` with the verb's default timeout.
    public func request(_ payload: [UInt8], verb: Verb, to destination: NodeAddress) async throws(MessagingError) -> [UInt8] {
        try await request(payload, verb: verb, to: destination, timeout: nil)
    }
}
