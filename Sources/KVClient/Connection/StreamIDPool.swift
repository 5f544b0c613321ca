/// The free stream ids of one connection: 0..<capacity, handed out lowest-new-first and
/// reused as responses free them (most recently freed first, so few ids stay hot).
///
/// A value type confined to the connection's event loop. Acquire and release are O(1); the
/// free list grows at most to `capacity` entries.
struct StreamIDPool: Sendable {
    /// How many ids exist (at most 32,768, the positive `Int16`s and zero).
    let capacity: Int
    private var nextFresh = 0
    private var free: [Int16] = []

    /// A pool of `capacity` ids, all free.
    init(capacity: Int) {
        precondition(capacity > 0 && capacity <= 32_768, "stream ids are 0...32767")
        self.capacity = capacity
    }

    /// The number of ids handed out and not released.
    var inUseCount: Int { nextFresh - free.count }

    /// A free id, or nil when all `capacity` are in use.
    mutating func acquire() -> Int16? {
        if let id = free.popLast() { return id }
        guard nextFresh < capacity else { return nil }
        defer { nextFresh += 1 }
        return Int16(nextFresh)
    }

    /// Gives `id` back. Requires an id acquired and not yet released.
    mutating func release(_ id: Int16) {
        precondition(Int(id) < nextFresh && id >= 0, "releasing a stream id never handed out")
        assert(!free.contains(id), "stream id released twice")
        free.append(id)
    }
}
