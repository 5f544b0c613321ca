/// Where a big skiplist's inserts start their search: for each bucket of keys, the greatest
/// node inserted so far into the bucket just below it.
///
/// An insert that starts there skips the descent from the head. In a list of many nodes
/// each step of that descent's lower levels is a cache miss (perf: the search was a fifth
/// of a write's CPU on a 64 MiB memtable); from a finger an insert walks a few nodes.
///
/// Buckets are bits 3 to 15 of the key's 8-byte prefix: memtable keys start with the
/// token, and a memtable shard holds the keys of one value of the top 3 bits. A finger is
/// only a hint, used when its key is below the key searched, so keys that spread otherwise
/// are slower to insert but never misplaced. Writer-only state; readers never use it.
struct SkipListFingers {
    static let bucketBits = 13
    static let bucketCount = 1 << bucketBits
    /// A list reaching this many keys gets its fingers; smaller lists are searched from the
    /// head (their nodes stay in cache, and small tables do not pay for the table).
    static let activationKeyCount = 4096

    private var table: UnsafeMutablePointer<UnsafeMutableRawPointer?>?

    /// Whether the table is allocated.
    var isActive: Bool { table != nil }

    /// Allocates the table (in `arena`, freed with the list), every finger empty.
    mutating func activate(in arena: Arena) {
        let raw = arena.allocate(8 * Self.bucketCount)
        let fingers = raw.bindMemory(to: UnsafeMutableRawPointer?.self, capacity: Self.bucketCount)
        fingers.initialize(repeating: nil, count: Self.bucketCount)
        table = fingers
    }

    @inline(__always) private static func bucket(_ prefix: UInt64) -> Int {
        Int(truncatingIfNeeded: prefix >> (64 - 3 - bucketBits)) & (bucketCount - 1)
    }

    /// A node to start the search for a key of `prefix` from, if any: the caller checks it
    /// is below the key and tall enough.
    @inline(__always) func start(forPrefix prefix: UInt64) -> UnsafeMutableRawPointer? {
        table?[Self.bucket(prefix)]
    }

    /// Notes `node`, just inserted with key prefix `prefix`: it becomes the finger of the
    /// next bucket when it is above that bucket's finger.
    @inline(__always) mutating func noteInserted(_ node: UnsafeMutableRawPointer, prefix: UInt64) {
        guard let table else { return }
        let bucket = Self.bucket(prefix)
        guard bucket + 1 < Self.bucketCount else { return }
        if let finger = table[bucket + 1],
           SkipList.compare(finger, SkipList.key(node), keyPrefix: prefix) >= 0 { return }
        table[bucket + 1] = node
    }
}
