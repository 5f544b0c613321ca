import KVCore

/// A data block's hash index (FORMAT.md "Data block"): an open-addressed table from a hash
/// of each key to the restart point whose run of entries holds it. A point lookup probes a
/// slot or two, usually in one cache line, and scans one run, instead of binary-searching
/// the restart keys, each probe of which is a cache miss in a 16 KiB block.
///
/// A slot is two bytes: a tag (the hash's top byte) and a restart index, `empty` in an unused
/// slot. A key goes in the first unused slot from `hash % slotCount` on (linear probing);
/// slots are twice the keys, so a lookup that misses meets an unused slot soon. A slot whose
/// tag matches may still be another key's: the lookup then scans its run, finds nothing and
/// probes on.
enum DataBlockHashIndex {
    /// Set in the block's last word, the restart count, when the index is present.
    static let presentFlag: UInt32 = 1 << 31
    /// The restart index of an unused slot.
    static let empty: UInt8 = 255
    /// Restart points a slot can name (0 up to `empty`, excluded).
    static let maxRestartCount = Int(empty)
    /// Slots are counted in a u16.
    static let maxSlotCount = Int(UInt16.max)

    /// Slots for `entries` keys, or nil when too many keys for an index.
    static func slotCount(entries: Int) -> Int? {
        let count = max(2, 2 * entries)
        return count <= maxSlotCount ? count : nil
    }

    /// CRC32C, one instruction per 8 bytes here; the slot comes from it modulo the count, the
    /// tag from its top byte.
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt32 { CRC32C.checksum(key) }

    @inline(__always)
    static func tag(_ hash: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: hash >> 24) }

    /// Where the probe for a key with `hash` starts among `count` slots; the writer and the
    /// reader both probe from here through `slot(after:count:)`.
    @inline(__always)
    static func firstSlot(_ hash: UInt32, count: Int) -> Int { Int(hash % UInt32(count)) }

    /// The slot probed after `slot`: the next, wrapping at the end.
    @inline(__always)
    static func slot(after slot: Int, count: Int) -> Int { slot + 1 == count ? 0 : slot + 1 }

    /// Gathers a block's keys as they are added and writes the index when the block ends.
    struct Builder {
        private var hashes: [UInt32] = []
        private var restartIndices: [UInt8] = []
        /// Whether every key added so far can be indexed.
        private(set) var isIndexable = true

        /// The index's size if written now (0 when it would not be).
        var estimatedSizeBytes: Int {
            guard isIndexable, let count = slotCount(entries: hashes.count), !hashes.isEmpty else { return 0 }
            return 2 * count + 2
        }

        /// Records `key`, stored in the run of restart point `restartIndex`.
        mutating func add(key: UnsafeRawBufferPointer, restartIndex: Int) {
            guard isIndexable, restartIndex < maxRestartCount, slotCount(entries: hashes.count + 1) != nil else {
                isIndexable = false
                return
            }
            hashes.append(hash(key))
            restartIndices.append(UInt8(restartIndex))
        }

        /// Appends the slots and their count (u16 LE). Requires `isIndexable` and a key.
        func append(to buffer: inout [UInt8]) {
            let count = slotCount(entries: hashes.count)!
            let start = buffer.count
            for _ in 0..<count { buffer.append(0); buffer.append(empty) }
            for (hash, restart) in zip(hashes, restartIndices) {
                var slot = firstSlot(hash, count: count)
                while buffer[start + 2 * slot + 1] != empty { slot = DataBlockHashIndex.slot(after: slot, count: count) }
                buffer[start + 2 * slot] = tag(hash)
                buffer[start + 2 * slot + 1] = restart
            }
            withUnsafeBytes(of: UInt16(count).littleEndian) { buffer.append(contentsOf: $0) }
        }

        mutating func reset() {
            hashes.removeAll(keepingCapacity: true)
            restartIndices.removeAll(keepingCapacity: true)
            isIndexable = true
        }
    }
}
