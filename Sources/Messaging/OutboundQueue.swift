import NIOCore

/// An encoded frame waiting to be written to a peer.
struct QueuedFrame {
    /// The whole frame, ready for the socket.
    var bytes: ByteBuffer
    /// The request it carries, so that a request abandoned while queued (timed out,
    /// cancelled) is not sent; nil for one-way frames.
    var requestID: UInt64?
}

/// The frames waiting for one peer while it is not connected or its socket is full, first
/// in first out, bounded both in count and in bytes. A value type with no locking: its
/// owner (`PeerConnection`) uses it on one event loop.
struct OutboundQueue {
    private var frames = CircularBuffer<QueuedFrame>()
    /// The bytes of all queued frames.
    private(set) var sizeBytes = 0
    /// The most frames held at once.
    let maxCount: Int
    /// The most bytes held at once.
    let maxBytes: Int

    /// An empty queue with the given bounds (both > 0).
    init(maxCount: Int, maxBytes: Int) {
        precondition(maxCount > 0 && maxBytes > 0, "queue bounds must be positive")
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }

    /// The number of queued frames.
    var count: Int { frames.count }
    /// True when nothing waits.
    var isEmpty: Bool { frames.isEmpty }

    /// Adds `frame` at the back; false (and nothing added) when either bound would be passed.
    mutating func append(_ frame: QueuedFrame) -> Bool {
        let frameBytes = frame.bytes.readableBytes
        guard frames.count < maxCount, sizeBytes + frameBytes <= maxBytes else { return false }
        frames.append(frame)
        sizeBytes += frameBytes
        return true
    }

    /// Removes and returns the oldest frame.
    mutating func popFirst() -> QueuedFrame? {
        guard let frame = frames.popFirst() else { return nil }
        sizeBytes -= frame.bytes.readableBytes
        assert(sizeBytes >= 0, "queued byte count went negative")
        return frame
    }

    /// Empties the queue and returns what it held, oldest first.
    mutating func removeAll() -> [QueuedFrame] {
        let all = Array(frames)
        frames.removeAll()
        sizeBytes = 0
        return all
    }
}
