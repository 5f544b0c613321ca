import CKVSupport
import Synchronization

/// A sorted map from byte keys to byte values in arena memory: one writer, any number of
/// lock-free readers (as LevelDB's memtable). Links are published with release stores and
/// read with acquire loads, so a reader sees a node only after it is fully built. A key's
/// value can be replaced (the memtable merges a newer row fragment into the old one);
/// old values stay in the value arena until the list is freed.
///
/// A node can also be added unlinked (`insertUnlinked`): it holds its key and value but no
/// level leads to it until `linkUnlinked`, so searches and walks miss it meanwhile; whoever
/// added it reaches it through the node pointer it got back.
///
/// Node layout (8-byte aligned):
///
///     +0  value pointer ──> [UInt32 length][bytes]
///     +8  UInt32 key length, UInt32 height
///     +16 UInt64 key prefix: the key's first 8 bytes as a big-endian number (zero padded)
///     +24 next pointers, one per level
///     ... key bytes
///
/// A search compares prefixes first: keys start with the token, so nearly every step is
/// decided by one load from the node's first cache line, without reading its key bytes
/// (memcmp calls and the misses on key bytes were a fifth of a write's CPU).
final class SkipList: @unchecked Sendable {
    // Writer-only state (arena, random state) is confined to the inserting thread by the
    // memtable's contract; readers only follow published links.
    static let maxHeight = 12
    /// Nodes and keys, apart from values: a search touches only nodes, and packed together
    /// they stay in cache far better than interleaved with values (perf: the search's cache
    /// misses were most of a write's memtable insert).
    private let arena = Arena()
    private let valueArena = Arena()
    /// The head node: no key, every level's first link.
    let head: UnsafeMutableRawPointer
    private var randomState: UInt64 = 0x2545_F491_4F6C_DD1D
    /// Where inserts start searching once the list is big (writer-only).
    private var fingers = SkipListFingers()
    /// Number of distinct keys, unlinked nodes included: written by the one writer, read by
    /// any thread.
    private let keyCount = Atomic<Int>(0)
    var count: Int { keyCount.load(ordering: .relaxed) }
    /// Nodes `insertUnlinked` added, waiting for `linkUnlinked`, with their keys' first 16
    /// bytes as two words, so that sorting them seldom loads a node. Writer-only.
    private var unlinked: [UnlinkedNode] = []
    /// `unlinked.count` and the bytes its buffer holds, for other threads.
    private let unlinkedCount = Atomic<Int>(0)
    private let unlinkedBytes = Atomic<Int>(0)

    init() {
        // Outside the arena, so a list that stays empty (a memtable shard no key reached)
        // allocates no arena chunk.
        head = UnsafeMutableRawPointer.allocate(byteCount: Self.nextOffset + 8 * Self.maxHeight, alignment: 8)
        head.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        head.storeBytes(of: UInt32(0), toByteOffset: 8, as: UInt32.self)
        head.storeBytes(of: UInt32(Self.maxHeight), toByteOffset: 12, as: UInt32.self)
        head.storeBytes(of: UInt64(0), toByteOffset: 16, as: UInt64.self)
        for level in 0..<Self.maxHeight { setNext(head, level, nil) }
    }

    deinit { head.deallocate() }

    /// Bytes in use: arenas (keys, values, nodes and slack) and the list of unlinked nodes.
    var memoryBytes: Int { arena.allocatedBytes + valueArena.allocatedBytes + unlinkedBytes.load(ordering: .relaxed) }

    // MARK: Node access

    /// Where a node's next pointers start.
    static let nextOffset = 24

    @inline(__always) static func keyLength(_ node: UnsafeMutableRawPointer) -> Int {
        Int(node.load(fromByteOffset: 8, as: UInt32.self))
    }

    @inline(__always) static func height(_ node: UnsafeMutableRawPointer) -> Int {
        Int(node.load(fromByteOffset: 12, as: UInt32.self))
    }

    @inline(__always) static func key(_ node: UnsafeMutableRawPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: node + nextOffset + 8 * height(node), count: keyLength(node))
    }

    @inline(__always) static func value(_ node: UnsafeMutableRawPointer) -> UnsafeRawBufferPointer {
        let slot = node.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        let blob = kv_load_acquire(UnsafeRawPointer(slot).assumingMemoryBound(to: UnsafeMutableRawPointer?.self))!
        let length = Int(blob.load(as: UInt32.self))
        return UnsafeRawBufferPointer(start: blob + 4, count: length)
    }

    @inline(__always) static func next(_ node: UnsafeMutableRawPointer, _ level: Int) -> UnsafeMutableRawPointer? {
        let slot = (node + nextOffset + 8 * level).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        return kv_load_acquire(slot)
    }

    @inline(__always) private func setNext(_ node: UnsafeMutableRawPointer, _ level: Int, _ target: UnsafeMutableRawPointer?) {
        let slot = (node + Self.nextOffset + 8 * level).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        kv_store_release(slot, target)
    }

    /// A key's first 8 bytes as a big-endian number, zero padded: prefixes order as keys do
    /// wherever they differ.
    @inline(__always) static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 { word(of: key, at: 0) }

    /// The key's 8 bytes from `offset` as a big-endian number, zero padded.
    @inline(__always) static func word(of key: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        if key.count >= offset + 8 { return UInt64(bigEndian: key.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(index < key.count ? key[index] : 0) }
        return value
    }

    /// `node`'s key prefix (`prefix(_:)` of its key).
    @inline(__always) static func keyPrefix(_ node: UnsafeMutableRawPointer) -> UInt64 {
        node.load(fromByteOffset: 16, as: UInt64.self)
    }

    /// Orders `node`'s key against `key` (whose prefix is `keyPrefix`), like `compareBytes`.
    @inline(__always) static func compare(_ node: UnsafeMutableRawPointer, _ key: UnsafeRawBufferPointer,
                                          keyPrefix: UInt64) -> Int {
        let nodePrefix = Self.keyPrefix(node)
        if nodePrefix != keyPrefix { return nodePrefix < keyPrefix ? -1 : 1 }
        return compareBytes(Self.key(node), key)
    }

    // MARK: Reading (any thread; linked nodes only)

    /// The first node whose key is >= `key`, or nil. Fills `previous` when given.
    func findGreaterOrEqual(_ key: UnsafeRawBufferPointer,
                            previous: UnsafeMutablePointer<UnsafeMutableRawPointer>? = nil) -> UnsafeMutableRawPointer? {
        findGreaterOrEqual(key, keyPrefix: Self.prefix(key), from: head, level: Self.maxHeight - 1, previous: previous)
    }

    /// As `findGreaterOrEqual(_:previous:)`, descending from `start` (the head, or a node
    /// whose key is below `key`) at `level` (below the start's height); fills `previous`
    /// from `level` down.
    @inline(__always)
    private func findGreaterOrEqual(_ key: UnsafeRawBufferPointer, keyPrefix: UInt64,
                                    from start: UnsafeMutableRawPointer, level top: Int,
                                    previous: UnsafeMutablePointer<UnsafeMutableRawPointer>?) -> UnsafeMutableRawPointer? {
        var node = start
        var level = top
        while true {
            let candidate = Self.next(node, level)
            if let candidate, Self.compare(candidate, key, keyPrefix: keyPrefix) < 0 {
                node = candidate
                continue
            }
            previous?[level] = node
            if level == 0 { return candidate }
            level -= 1
        }
    }

    /// The value stored under exactly `key`, valid while the list lives.
    func get(_ key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let node = findGreaterOrEqual(key), compareBytes(Self.key(node), key) == 0 else { return nil }
        return Self.value(node)
    }

    /// The first node, or nil when empty.
    var first: UnsafeMutableRawPointer? { Self.next(head, 0) }

    // MARK: Writing (one thread at a time)

    /// Inserts or replaces, returning the key's node. `merge(old)` is called with the
    /// current value when the key is present and returns the bytes to store instead of `value`.
    /// Links the unlinked nodes first, so it finds a key however it was inserted.
    @discardableResult
    func upsert(_ key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
                merge: (UnsafeRawBufferPointer) -> [UInt8]?) -> UnsafeMutableRawPointer {
        linkUnlinked()
        return withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: Self.maxHeight) { previous in
            let previous = previous.baseAddress!
            let keyPrefix = Self.prefix(key)
            // Drawn first: the search fills `previous` only from its start level down, and a
            // finger start must be at least this high.
            let height = randomHeight()
            let found = search(key, keyPrefix: keyPrefix, height: height, previous: previous)
            if let found, compareBytes(Self.key(found), key) == 0 {
                mergeValue(of: found, merge: merge)
                return found
            }
            let node = makeNode(key, keyPrefix: keyPrefix, height: height, value: value)
            splice(node, keyPrefix: keyPrefix, previous: previous)
            return node
        }
    }

    /// Adds `key`, which the list must not hold, with `value`, without linking it into the
    /// levels: searches and walks do not see it until `linkUnlinked` (or an `upsert`) links
    /// it. The caller keeps the returned node to reach it before then. An insert that needs
    /// no search costs no cache misses on other nodes; the links are made later in key order,
    /// each next to the one before (perf: the search was a third of a node's CPU on writes).
    func insertUnlinked(_ key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
        let keyPrefix = Self.prefix(key)
        let node = makeNode(key, keyPrefix: keyPrefix, height: randomHeight(), value: value)
        unlinked.append(UnlinkedNode(prefix: keyPrefix, second: Self.word(of: key, at: 8), node: node))
        unlinkedBytes.store(unlinked.capacity * MemoryLayout<UnlinkedNode>.stride, ordering: .relaxed)
        unlinkedCount.store(unlinked.count, ordering: .releasing)
        return node
    }

    /// Whether some nodes wait for `linkUnlinked` (any thread; a writer may add more at once).
    var hasUnlinked: Bool { unlinkedCount.load(ordering: .acquiring) > 0 }

    /// How many nodes ahead `linkUnlinked` prefetches.
    private static let linkPrefetchDistance = 8

    /// Links every node `insertUnlinked` added. They go in key order, and each one's search
    /// starts on every level where the one before it ended, so linking many costs a short
    /// walk per node among nodes just touched rather than a search from a finger.
    func linkUnlinked() {
        guard !unlinked.isEmpty else { return }
        unlinked.sort { $0.precedes($1) }
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: Self.maxHeight) { previous in
            let previous = previous.baseAddress!
            previous.initialize(repeating: head, count: Self.maxHeight)
            for index in unlinked.indices {
                let (keyPrefix, node) = (unlinked[index].prefix, unlinked[index].node)
                // In key order the nodes lie all over the arena: fetching a few ahead overlaps
                // their cache misses.
                if index + Self.linkPrefetchDistance < unlinked.count {
                    kv_prefetch_for_write(unlinked[index + Self.linkPrefetchDistance].node)
                }
                search(Self.key(node), keyPrefix: keyPrefix, after: previous)
                splice(node, keyPrefix: keyPrefix, previous: previous)
                for level in 0..<Self.height(node) { previous[level] = node }
            }
        }
        unlinked = []
        unlinkedBytes.store(0, ordering: .relaxed)
        unlinkedCount.store(0, ordering: .releasing)
    }

    /// Stores `merge(current value)` as `node`'s value, unless it returns nil.
    func mergeValue(of node: UnsafeMutableRawPointer, merge: (UnsafeRawBufferPointer) -> [UInt8]?) {
        guard let merged = merge(Self.value(node)) else { return }
        let blob = merged.withUnsafeBytes { storeValue($0) }
        kv_store_release(node.assumingMemoryBound(to: UnsafeMutableRawPointer?.self), blob)
    }

    /// The first node >= `key` (of prefix `keyPrefix`), `previous` filled with its predecessors
    /// on levels 0 to `height - 1` (at least): from a finger when one fits, else from the head.
    private func search(_ key: UnsafeRawBufferPointer, keyPrefix: UInt64, height: Int,
                        previous: UnsafeMutablePointer<UnsafeMutableRawPointer>) -> UnsafeMutableRawPointer? {
        let start = fingers.start(for: key, prefix: keyPrefix, height: height) ?? (head, Self.maxHeight - 1)
        return findGreaterOrEqual(key, keyPrefix: keyPrefix, from: start.node, level: start.level, previous: previous)
    }

    /// Fills `previous` with `key`'s predecessors on every level, `previous` holding on entry
    /// nodes below `key` on each level (the head, or a smaller key's predecessors). Each
    /// level's walk starts from that node or from the predecessor just found a level up,
    /// whichever is further on.
    private func search(_ key: UnsafeRawBufferPointer, keyPrefix: UInt64,
                        after previous: UnsafeMutablePointer<UnsafeMutableRawPointer>) {
        var above = head
        for level in stride(from: Self.maxHeight - 1, through: 0, by: -1) {
            var node = previous[level]
            if above != head, above != node, node == head || Self.compare(node, Self.key(above), keyPrefix: Self.keyPrefix(above)) < 0 {
                node = above
            }
            while let candidate = Self.next(node, level), Self.compare(candidate, key, keyPrefix: keyPrefix) < 0 { node = candidate }
            previous[level] = node
            above = node
        }
    }

    /// A new node, linked nowhere yet, counted as a key.
    private func makeNode(_ key: UnsafeRawBufferPointer, keyPrefix: UInt64, height: Int,
                          value: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
        let node = arena.allocate(Self.nextOffset + 8 * height + key.count)
        node.storeBytes(of: storeValue(value), as: UnsafeMutableRawPointer?.self)
        node.storeBytes(of: UInt32(key.count), toByteOffset: 8, as: UInt32.self)
        node.storeBytes(of: UInt32(height), toByteOffset: 12, as: UInt32.self)
        node.storeBytes(of: keyPrefix, toByteOffset: 16, as: UInt64.self)
        for level in 0..<height { setNext(node, level, nil) }
        if key.count > 0 { (node + Self.nextOffset + 8 * height).copyMemory(from: key.baseAddress!, byteCount: key.count) }
        keyCount.store(count + 1, ordering: .relaxed)
        return node
    }

    /// Links `node` after its predecessors `previous` on each of its levels; the node's own
    /// links are set before it is published, so readers see it whole.
    private func splice(_ node: UnsafeMutableRawPointer, keyPrefix: UInt64,
                        previous: UnsafeMutablePointer<UnsafeMutableRawPointer>) {
        for level in 0..<Self.height(node) {
            setNext(node, level, Self.next(previous[level], level))
            setNext(previous[level], level, node)
        }
        fingers.noteInserted(node, prefix: keyPrefix)
        if !fingers.isActive, count >= SkipListFingers.activationKeyCount { fingers.activate(in: arena, first: first) }
    }

    private func storeValue(_ value: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
        let blob = valueArena.allocate(4 + value.count)
        blob.storeBytes(of: UInt32(value.count), as: UInt32.self)
        if value.count > 0 { (blob + 4).copyMemory(from: value.baseAddress!, byteCount: value.count) }
        return blob
    }

    private func randomHeight() -> Int {
        var height = 1
        while height < Self.maxHeight {
            randomState ^= randomState << 13
            randomState ^= randomState >> 7
            randomState ^= randomState << 17
            if randomState & 3 != 0 { break }
            height += 1
        }
        return height
    }
}

/// A node waiting to be linked, with the first two 8-byte words of its key.
private struct UnlinkedNode {
    let prefix: UInt64
    let second: UInt64
    let node: UnsafeMutableRawPointer

    /// Whether this node's key sorts before `other`'s: by the words, then by the key bytes
    /// (keys that share 16 bytes, rare when keys start with a token).
    func precedes(_ other: UnlinkedNode) -> Bool {
        if prefix != other.prefix { return prefix < other.prefix }
        if second != other.second { return second < other.second }
        return compareBytes(SkipList.key(node), SkipList.key(other.node)) < 0
    }
}
