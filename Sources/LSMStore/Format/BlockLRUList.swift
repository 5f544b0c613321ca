/// The state of one `BlockCache` shard: blocks in a doubly linked list from most to least
/// recently used, threaded through arrays of slots (no allocation per operation once the
/// arrays have grown), with a dictionary from key to slot. Not thread-safe by itself; the
/// shard's `Mutex` guards it.
struct BlockLRUList: Sendable {
    typealias Key = BlockCache.Key

    private static let none = -1

    let capacityBytes: Int
    private(set) var usedBytes = 0
    private(set) var hits = 0
    private(set) var misses = 0

    private var slotsByKey: [Key: Int] = [:]
    private var keys: [Key] = []
    private var blocks: [Block?] = []
    private var previous: [Int] = []
    private var next: [Int] = []
    private var freeSlots: [Int] = []
    /// Most recently used.
    private var head = none
    /// Least recently used: evicted first.
    private var tail = none

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// Blocks held.
    var count: Int { slotsByKey.count }

    /// The block for `key`, moved to the front; counts a hit or a miss.
    mutating func lookUp(_ key: Key) -> Block? {
        guard let slot = slotsByKey[key] else {
            misses += 1
            return nil
        }
        hits += 1
        moveToFront(slot)
        return blocks[slot]
    }

    /// Inserts or replaces `key`'s block at the front, then evicts from the back until the
    /// used bytes fit the capacity. A block larger than the capacity is not kept.
    mutating func insert(_ block: Block, for key: Key) {
        remove(key)
        guard block.chargeBytes <= capacityBytes else { return }
        let slot = allocateSlot(key: key, block: block)
        slotsByKey[key] = slot
        link(slot)
        usedBytes += block.chargeBytes
        while usedBytes > capacityBytes && tail != Self.none {
            evict(tail)
        }
    }

    /// Removes every block whose key satisfies `predicate`.
    mutating func removeAll(where predicate: (Key) -> Bool) {
        for key in slotsByKey.keys where predicate(key) { remove(key) }
    }

    private mutating func remove(_ key: Key) {
        guard let slot = slotsByKey[key] else { return }
        evict(slot)
    }

    private mutating func evict(_ slot: Int) {
        unlink(slot)
        slotsByKey[keys[slot]] = nil
        usedBytes -= blocks[slot]!.chargeBytes
        blocks[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func allocateSlot(key: Key, block: Block) -> Int {
        if let slot = freeSlots.popLast() {
            keys[slot] = key
            blocks[slot] = block
            return slot
        }
        keys.append(key)
        blocks.append(block)
        previous.append(Self.none)
        next.append(Self.none)
        return blocks.count - 1
    }

    private mutating func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        link(slot)
    }

    /// Puts an unlinked slot at the front.
    private mutating func link(_ slot: Int) {
        previous[slot] = Self.none
        next[slot] = head
        if head != Self.none { previous[head] = slot }
        head = slot
        if tail == Self.none { tail = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let before = previous[slot], after = next[slot]
        if before != Self.none { next[before] = after } else { head = after }
        if after != Self.none { previous[after] = before } else { tail = before }
        previous[slot] = Self.none
        next[slot] = Self.none
    }

    /// Keys from most to least recently used (for tests).
    var keysByRecency: [Key] {
        var result: [Key] = []
        var slot = head
        while slot != Self.none {
            result.append(keys[slot])
            slot = next[slot]
        }
        return result
    }
}
