import CKVSupport
import Synchronization

/// A sorted map from byte keys to byte values in arena memory: one writer, any number of
/// lock-free readers (as LevelDB's memtable). Links are published with release stores and
/// read with acquire loads, so a reader sees a node only after it is fully built. A key's
/// value can be replaced (the memtable merges a newer row fragment into the old one);
/// old values stay in the value arena until the list is freed.
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
    /// Number of distinct keys: written by the one writer, read by any thread.
    private let keyCount = Atomic<Int>(0)
    var count: Int { keyCount.load(ordering: .relaxed) }

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

    /// Arena bytes in use (keys, values, nodes and slack).
    var memoryBytes: Int { arena.allocatedBytes + valueArena.allocatedBytes }

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
    @inline(__always) static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
        if key.count >= 8 { return UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)) }
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(index < key.count ? key[index] : 0) }
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

    // MARK: Reading (any thread)

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
    @discardableResult
    func upsert(_ key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
                merge: (UnsafeRawBufferPointer) -> [UInt8]?) -> UnsafeMutableRawPointer {
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: Self.maxHeight) { previous in
            let previous = previous.baseAddress!
            let keyPrefix = Self.prefix(key)
            // Drawn first: the search fills `previous` only from its start level down, and a
            // finger start must be at least this high.
            let height = randomHeight()
            let start = fingers.start(for: key, prefix: keyPrefix, height: height) ?? (head, Self.maxHeight - 1)
            let found = findGreaterOrEqual(key, keyPrefix: keyPrefix, from: start.node, level: start.level, previous: previous)
            if let found, compareBytes(Self.key(found), key) == 0 {
                if let merged = merge(Self.value(found)) {
                    let blob = merged.withUnsafeBytes { storeValue($0) }
                    kv_store_release(found.assumingMemoryBound(to: UnsafeMutableRawPointer?.self), blob)
                }
                return found
            }
            let node = insertNode(key, keyPrefix: keyPrefix, height: height, value: value, previous: previous)
            fingers.noteInserted(node, prefix: keyPrefix)
            if !fingers.isActive, count >= SkipListFingers.activationKeyCount { fingers.activate(in: arena, first: first) }
            return node
        }
    }

    private func insertNode(_ key: UnsafeRawBufferPointer, keyPrefix: UInt64, height: Int,
                            value: UnsafeRawBufferPointer,
                            previous: UnsafeMutablePointer<UnsafeMutableRawPointer>) -> UnsafeMutableRawPointer {
        let node = arena.allocate(Self.nextOffset + 8 * height + key.count)
        node.storeBytes(of: storeValue(value), as: UnsafeMutableRawPointer?.self)
        node.storeBytes(of: UInt32(key.count), toByteOffset: 8, as: UInt32.self)
        node.storeBytes(of: UInt32(height), toByteOffset: 12, as: UInt32.self)
        node.storeBytes(of: keyPrefix, toByteOffset: 16, as: UInt64.self)
        if key.count > 0 { (node + Self.nextOffset + 8 * height).copyMemory(from: key.baseAddress!, byteCount: key.count) }
        for level in 0..<height {
            setNext(node, level, Self.next(previous[level], level))
            setNext(previous[level], level, node)
        }
        keyCount.store(count + 1, ordering: .relaxed)
        return node
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
