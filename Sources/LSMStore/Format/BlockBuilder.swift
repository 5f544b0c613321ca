import KVCore

/// Builds one data block (LevelDB layout, FORMAT.md "Data block"): prefix-compressed
/// entries, then the restart array, then, when enabled and there are few enough restart
/// points, a hash index from each key to its restart point.
///
///     entry:    shared varint | unshared varint | value size varint | key[shared...] | value
///     trailer:  restart offset u32 LE * n | n u32 LE
///           or  restart offset u32 LE * n | (tag u8, restart u8) * s | s u16 LE | (n | 1 << 31) u32 LE
///
/// Every `restartInterval` entries the key is stored whole (shared = 0) and its offset is
/// recorded as a restart point, so a reader can binary-search restart points. The hash index
/// lets a point lookup skip that search (`DataBlockHashIndex`). Keys must be added in
/// strictly increasing order (the caller checks). Single-threaded.
struct BlockBuilder {
    let restartInterval: Int
    let buildsHashIndex: Bool
    private(set) var buffer: [UInt8] = []
    private var restarts: [UInt32] = [0]
    private var entriesSinceRestart = 0
    private var lastKey: [UInt8] = []
    /// Each entry's key hash and restart point, for the hash index.
    private var hashIndex = DataBlockHashIndex.Builder()
    /// How many entries were added since the last reset.
    private(set) var entryCount = 0

    /// - Parameter restartInterval: entries between restart points, at least 1.
    init(restartInterval: Int, buildsHashIndex: Bool = true) {
        precondition(restartInterval >= 1, "restart interval must be positive")
        self.restartInterval = restartInterval
        self.buildsHashIndex = buildsHashIndex
    }

    var isEmpty: Bool { entryCount == 0 }

    /// The size of the block if finished now.
    var estimatedSizeBytes: Int { buffer.count + restarts.count * 4 + 4 + hashIndex.estimatedSizeBytes }

    /// Appends an entry. `key` must sort after the previous key of this block.
    mutating func add(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        var shared = 0
        if entriesSinceRestart < restartInterval {
            shared = commonPrefixLength(key)
        } else {
            restarts.append(UInt32(buffer.count))
            entriesSinceRestart = 0
        }
        appendVarint(UInt64(shared))
        appendVarint(UInt64(key.count - shared))
        appendVarint(UInt64(value.count))
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: key[shared...]))
        buffer.append(contentsOf: value)
        lastKey.removeAll(keepingCapacity: true)
        lastKey.append(contentsOf: key)
        if buildsHashIndex { hashIndex.add(key: key, restartIndex: restarts.count - 1) }
        entriesSinceRestart += 1
        entryCount += 1
    }

    /// Appends the restart array (and the hash index) and returns the finished block's
    /// bytes. Call `reset()` before adding to a new block (after dropping the returned array,
    /// so that the storage is reused rather than copied).
    mutating func finish() -> [UInt8] {
        buffer.reserveCapacity(estimatedSizeBytes)
        for restart in restarts {
            withUnsafeBytes(of: restart.littleEndian) { buffer.append(contentsOf: $0) }
        }
        var packedCount = UInt32(restarts.count)
        if buildsHashIndex, entryCount > 0, hashIndex.isIndexable {
            hashIndex.append(to: &buffer)
            packedCount |= DataBlockHashIndex.presentFlag
        }
        withUnsafeBytes(of: packedCount.littleEndian) { buffer.append(contentsOf: $0) }
        return buffer
    }

    /// Empties the builder, keeping its storage.
    mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        restarts.removeAll(keepingCapacity: true)
        restarts.append(0)
        entriesSinceRestart = 0
        lastKey.removeAll(keepingCapacity: true)
        hashIndex.reset()
        entryCount = 0
    }

    private func commonPrefixLength(_ key: UnsafeRawBufferPointer) -> Int {
        let limit = min(lastKey.count, key.count)
        return lastKey.withUnsafeBytes { last in
            var index = 0
            while index < limit && last[index] == key[index] { index += 1 }
            return index
        }
    }

    private mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        buffer.append(UInt8(remaining))
    }
}
