/// The bytes of EVENT frames one connection has handed to its channel and not yet seen
/// written, against `CQLServerConfiguration.maxPendingEventBytesPerConnection`.
///
/// A value owned by the connection's handler (event-loop confined). `admit` before each
/// write; `written` when that write completes (successfully or not).
struct CQLEventBacklog: Sendable, Equatable {
    /// The most bytes pending at once.
    let limitBytes: Int
    /// Bytes admitted and not yet written.
    private(set) var pendingBytes = 0

    init(limitBytes: Int) {
        self.limitBytes = limitBytes
    }

    /// Admits a frame of `sizeBytes`; false (admitting nothing) when it would pass the limit,
    /// which means the client has stopped reading and the connection should close.
    mutating func admit(_ sizeBytes: Int) -> Bool {
        guard pendingBytes + sizeBytes <= limitBytes else { return false }
        pendingBytes += sizeBytes
        return true
    }

    /// A frame admitted earlier finished writing.
    mutating func written(_ sizeBytes: Int) {
        precondition(sizeBytes <= pendingBytes, "more event bytes written than admitted")
        pendingBytes -= sizeBytes
    }
}
