/// Where a big skiplist's inserts start their search: per level, for each bucket of keys,
/// the greatest node of that level in the bucket just below it.
///
/// An insert that starts there skips the descent from the head. In a list of many nodes
/// each step of that descent's lower levels is a cache miss (perf: the search was a fifth
/// of a write's CPU on a 64 MiB memtable); from a finger an insert walks a few nodes.
///
/// An insert of height `h` needs its predecessors on levels 0 to `h - 1`, so it starts from
/// a finger at least `h` high: the finger of level `h - 1`. Nodes reaching level `l` are
/// 4^l times rarer than nodes (a node grows a level with probability 1/4), so level `l`'s
/// buckets are 4^l times wider, and each level's buckets hold about as many nodes.
/// (perf: with level 0's fingers alone, a fifth of the inserts, those taller than their
/// finger, searched from the head; they made more than half of the search's cache misses.)
///
/// Buckets are bits 3 and on of the key's 8-byte prefix: memtable keys start with the
/// token, and a memtable shard holds the keys of one value of the top 3 bits. A finger is
/// only a hint, used when its key is below the key searched, so keys that spread otherwise
/// are slower to insert but never misplaced. Writer-only state; readers never use it.
struct SkipListFingers {
    /// Level 0's buckets: 16,384 suits lists of 20,000 to 100,000 keys, the size of a
    /// memtable shard of small rows, where an insert walks about 4 nodes.
    static let bucketBits = 14
    /// Levels with fingers; taller inserts (one in 4^7) search from the head.
    static let levelCount = bucketBits / 2
    /// How many buckets a search looks in for a finger, the key's own and those before it:
    /// the slots of one cache line.
    static let bucketsSearched = 8
    /// A list reaching this many keys gets its fingers; smaller lists are searched from the
    /// head (their nodes stay in cache, and small tables do not pay for the table).
    static let activationKeyCount = 4096

    /// Every level's buckets in one allocation, level 0's first.
    private var table: UnsafeMutablePointer<UnsafeMutableRawPointer?>?

    /// Whether the table is allocated.
    var isActive: Bool { table != nil }

    @inline(__always) private static func bucketCount(level: Int) -> Int { 1 << (bucketBits - 2 * level) }

    /// Where level `level`'s buckets start in the table: the sum of the lower levels'
    /// counts, 2^b + 2^(b-2) + ... (b = `bucketBits`), in closed form.
    @inline(__always) private static func tableOffset(level: Int) -> Int {
        ((1 << (bucketBits + 2)) - (1 << (bucketBits + 2 - 2 * level))) / 3
    }

    @inline(__always) private static func bucket(_ prefix: UInt64, level: Int) -> Int {
        let bits = bucketBits - 2 * level
        return Int(truncatingIfNeeded: prefix >> (64 - 3 - bits)) & (1 << bits - 1)
    }

    /// Allocates the table (in `arena`, freed with the list) and fills it from the list's
    /// nodes, walked from `first` in key order.
    mutating func activate(in arena: Arena, first: UnsafeMutableRawPointer?) {
        let slots = Self.tableOffset(level: Self.levelCount)
        let fingers = arena.allocate(8 * slots).bindMemory(to: UnsafeMutableRawPointer?.self, capacity: slots)
        fingers.initialize(repeating: nil, count: slots)
        table = fingers
        var node = first
        while let current = node {
            // In key order, so the last node noted in a bucket is its greatest.
            let prefix = SkipList.keyPrefix(current)
            for level in 0..<min(SkipList.height(current), Self.levelCount) { setFinger(current, prefix: prefix, level: level) }
            node = SkipList.next(current, 0)
        }
    }

    /// A node to start the search for `key` (of prefix `prefix`) from, and the level to
    /// start on: below `key` and at least `height` high. Nil: search from the head.
    @inline(__always)
    func start(for key: UnsafeRawBufferPointer, prefix: UInt64, height: Int) -> (node: UnsafeMutableRawPointer, level: Int)? {
        guard let table, height <= Self.levelCount else { return nil }
        for level in (height - 1)..<Self.levelCount {
            let fingers = table + Self.tableOffset(level: level)
            let bucket = Self.bucket(prefix, level: level)
            // An empty bucket has no finger for the next; the nearest one before it is the
            // greatest node below the key's bucket. Past a few, the next level up, with
            // wider buckets, is closer.
            for candidate in stride(from: bucket, to: max(bucket - Self.bucketsSearched, -1), by: -1) {
                guard let finger = fingers[candidate] else { continue }
                if SkipList.compare(finger, key, keyPrefix: prefix) < 0 { return (finger, level) }
                break
            }
        }
        return nil
    }

    /// Notes `node`, just linked in with key prefix `prefix`: on each of its levels, it
    /// becomes the next bucket's finger when it is its bucket's greatest there, which its
    /// successor on that level tells (a node the insert's search has just read).
    @inline(__always) mutating func noteInserted(_ node: UnsafeMutableRawPointer, prefix: UInt64) {
        guard table != nil else { return }
        for level in 0..<min(SkipList.height(node), Self.levelCount) {
            if let successor = SkipList.next(node, level),
               Self.bucket(SkipList.keyPrefix(successor), level: level) == Self.bucket(prefix, level: level) { continue }
            setFinger(node, prefix: prefix, level: level)
        }
    }

    /// Makes `node` the finger of the bucket after its own on `level`.
    @inline(__always) private func setFinger(_ node: UnsafeMutableRawPointer, prefix: UInt64, level: Int) {
        let next = Self.bucket(prefix, level: level) + 1
        guard next < Self.bucketCount(level: level) else { return }
        table![Self.tableOffset(level: level) + next] = node
    }
}
