import KVCore

/// A decompressed data block in memory (layout in `BlockBuilder`), with the lookups that
/// read it in place.
///
/// Owns its memory, which is freed when the last reference goes; immutable after creation,
/// so one instance is shared by the `BlockCache` and any number of iterators and threads.
/// Nothing here traps on damaged bytes: every length is checked against the entry area and
/// failures throw `DecodeError` with offsets relative to the block start.
final class Block: @unchecked Sendable {
    // @unchecked: the memory is written once, before `init` returns, and only read after.

    /// One decoded entry header.
    struct Entry {
        var shared: Int
        var unsharedSizeBytes: Int
        var valueSizeBytes: Int
        /// Where the key suffix starts; the value follows it.
        var keySuffixOffset: Int
        var valueOffset: Int { keySuffixOffset + unsharedSizeBytes }
        var nextOffset: Int { valueOffset + valueSizeBytes }
    }

    private let allocation: UnsafeMutableRawBufferPointer
    /// The block's bytes (a prefix of `allocation`).
    let bytes: UnsafeRawBufferPointer
    /// Where the entries end and the restart array begins.
    let restartsOffset: Int
    /// How many restart points there are.
    let restartCount: Int
    /// Where the hash index's slots start, and how many there are (0: no index).
    private let hashSlotsOffset: Int
    private let hashSlotCount: Int

    private init(allocation: UnsafeMutableRawBufferPointer, count: Int, layout: TrailerLayout) {
        self.allocation = allocation
        self.bytes = UnsafeRawBufferPointer(rebasing: allocation[0..<count])
        self.restartsOffset = layout.restartsOffset
        self.restartCount = layout.restartCount
        self.hashSlotsOffset = layout.hashSlotsOffset
        self.hashSlotCount = layout.hashSlotCount
    }

    deinit { allocation.deallocate() }

    /// Takes ownership of `allocation`, whose first `count` bytes are the block, and checks
    /// the restart array. On failure the allocation is freed and the error thrown.
    static func parse(owning allocation: UnsafeMutableRawBufferPointer, count: Int) throws(DecodeError) -> Block {
        precondition(count <= allocation.count)
        do {
            let layout = try TrailerLayout(UnsafeRawBufferPointer(rebasing: allocation[0..<count]))
            return Block(allocation: allocation, count: count, layout: layout)
        } catch {
            allocation.deallocate()
            throw error
        }
    }

    /// A block holding a copy of `bytes` (for tests and tools).
    static func parse(copying bytes: [UInt8]) throws(DecodeError) -> Block {
        let allocation = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { source in allocation.copyMemory(from: source) }
        return try parse(owning: allocation, count: bytes.count)
    }

    /// Where the parts of the block's trailer lie, checked against its size.
    private struct TrailerLayout {
        var restartsOffset: Int
        var restartCount: Int
        var hashSlotsOffset = 0
        var hashSlotCount = 0

        init(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) {
            guard bytes.count >= 4 else { throw .truncated(offset: 0) }
            let countOffset = bytes.count - 4
            let word = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: countOffset, as: UInt32.self))
            var end = countOffset
            if word & DataBlockHashIndex.presentFlag != 0 {
                restartCount = Int(word & ~DataBlockHashIndex.presentFlag)
                guard (1...DataBlockHashIndex.maxRestartCount).contains(restartCount), end >= 2 else {
                    throw .malformed(offset: countOffset, reason: "hash-indexed block with \(restartCount) restart points")
                }
                end -= 2
                hashSlotCount = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt16.self)))
                guard hashSlotCount >= 1, 2 * hashSlotCount <= end else {
                    throw .malformed(offset: end, reason: "\(hashSlotCount) hash slots do not fit the block")
                }
                end -= 2 * hashSlotCount
                hashSlotsOffset = end
            } else {
                restartCount = Int(word)
            }
            guard restartCount <= end / 4 else {
                throw .malformed(offset: countOffset, reason: "restart count \(restartCount) does not fit the block")
            }
            restartsOffset = end - restartCount * 4
            guard restartCount > 0 || restartsOffset == 0 else {
                throw .malformed(offset: countOffset, reason: "entries without restart points")
            }
        }
    }

    /// Whether point lookups go through a hash index.
    var hasHashIndex: Bool { hashSlotCount > 0 }

    /// Whether the block holds no entries.
    var isEmpty: Bool { restartsOffset == 0 }

    /// Bytes charged to the cache for keeping this block.
    var chargeBytes: Int { allocation.count + 96 }

    // MARK: Decoding

    /// Decodes the entry header at `offset`, checking that the entry lies in the entry area.
    @inline(__always)
    func entry(at offset: Int) throws(DecodeError) -> Entry {
        var position = offset
        let shared = try varint(at: &position)
        let unshared = try varint(at: &position)
        let valueSize = try varint(at: &position)
        let room = restartsOffset - position
        guard unshared <= room, valueSize <= room - unshared else {
            throw .malformed(offset: offset, reason: "entry of \(unshared)+\(valueSize) bytes overruns the block")
        }
        return Entry(shared: shared, unsharedSizeBytes: unshared, valueSizeBytes: valueSize, keySuffixOffset: position)
    }

    @inline(__always)
    private func varint(at position: inout Int) throws(DecodeError) -> Int {
        guard position < restartsOffset else { throw .truncated(offset: position) }
        let byte = bytes[position]
        if byte < 0x80 {
            position += 1
            return Int(byte)
        }
        return try varintSlowPath(at: &position)
    }

    private func varintSlowPath(at position: inout Int) throws(DecodeError) -> Int {
        var result = 0
        for shift in stride(from: 0, through: 28, by: 7) {
            guard position < restartsOffset else { throw .truncated(offset: position) }
            let byte = bytes[position]
            position += 1
            result |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return result }
        }
        throw .malformed(offset: position - 1, reason: "varint longer than 5 bytes in block entry")
    }

    /// The offset of restart point `index` (in `0..<restartCount`), checked.
    func restartOffset(_ index: Int) throws(DecodeError) -> Int {
        let position = restartsOffset + index * 4
        let offset = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
        guard offset < restartsOffset else {
            throw .malformed(offset: position, reason: "restart point \(offset) outside the entries")
        }
        return offset
    }

    /// The whole key stored at restart point `index` (restart entries share no prefix).
    func restartKey(_ index: Int) throws(DecodeError) -> UnsafeRawBufferPointer {
        let offset = try restartOffset(index)
        let entry = try entry(at: offset)
        guard entry.shared == 0 else {
            throw .malformed(offset: offset, reason: "restart entry shares \(entry.shared) key bytes")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[entry.keySuffixOffset..<entry.valueOffset])
    }

    // MARK: Searching

    /// The restart point to scan from to find the first key >= `target`: the last restart
    /// whose key is <= `target`, or 0 when all are greater. The block must not be empty.
    func restartIndex(atOrBefore target: UnsafeRawBufferPointer) throws(DecodeError) -> Int {
        var low = 0, high = restartCount - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if compareBytes(try restartKey(middle), target) <= 0 {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return low
    }

    /// The value stored under exactly `key`, as a view into this block (valid while the
    /// block lives), or nil. With a hash index, its slots for `key` name the run of entries
    /// to scan, or show the key is absent; otherwise the restart keys are binary-searched.
    /// Allocation-free: compares keys without rebuilding them, by tracking how many leading
    /// bytes the previous key shared with `key`.
    func value(forKey key: UnsafeRawBufferPointer) throws(DecodeError) -> UnsafeRawBufferPointer? {
        guard !isEmpty else { return nil }
        if hashSlotCount > 0, let found = try hashedValue(forKey: key) { return found }
        return try value(forKey: key, from: try restartOffset(try restartIndex(atOrBefore: key)), to: restartsOffset)
    }

    /// `value(forKey:)` through the hash index: `.some(value)`, `.some(nil)` when the index
    /// shows the key is absent, nil when the index cannot tell (every slot in use, which a
    /// well-formed block never has).
    private func hashedValue(forKey key: UnsafeRawBufferPointer) throws(DecodeError) -> UnsafeRawBufferPointer?? {
        let hash = DataBlockHashIndex.hash(key)
        let tag = DataBlockHashIndex.tag(hash)
        var slot = DataBlockHashIndex.firstSlot(hash, count: hashSlotCount)
        for _ in 0..<hashSlotCount {
            let position = hashSlotsOffset + 2 * slot
            let restart = bytes[position + 1]
            if restart == DataBlockHashIndex.empty { return .some(nil) }
            if bytes[position] == tag {
                guard Int(restart) < restartCount else {
                    throw .malformed(offset: position, reason: "hash slot names restart point \(restart) of \(restartCount)")
                }
                let run = Int(restart)
                let end = run + 1 < restartCount ? try restartOffset(run + 1) : restartsOffset
                if let value = try value(forKey: key, from: try restartOffset(run), to: end) { return value }
            }
            slot = DataBlockHashIndex.slot(after: slot, count: hashSlotCount)
        }
        return nil
    }

    /// `value(forKey:)` among the entries from the restart entry at `start` to `end`.
    private func value(forKey key: UnsafeRawBufferPointer, from start: Int,
                       to end: Int) throws(DecodeError) -> UnsafeRawBufferPointer? {
        var offset = start
        var matched = 0   // bytes the previous key has in common with `key` (previous < key)
        var isFirst = true
        while offset < end {
            let entry = try entry(at: offset)
            if isFirst && entry.shared != 0 {
                throw .malformed(offset: offset, reason: "restart entry shares \(entry.shared) key bytes")
            }
            isFirst = false
            // shared > matched: this key repeats the previous key's byte that was below `key`'s.
            if entry.shared <= matched {
                let suffix = UnsafeRawBufferPointer(rebasing: bytes[entry.keySuffixOffset..<entry.valueOffset])
                switch compareSuffix(suffix, with: key, from: entry.shared) {
                case .equal:
                    return UnsafeRawBufferPointer(rebasing: bytes[entry.valueOffset..<entry.nextOffset])
                case .greater:
                    return nil
                case .less(let common):
                    matched = common
                }
            }
            offset = entry.nextOffset
        }
        return nil
    }

    enum SuffixOrder {
        case less(commonPrefixLength: Int)
        case equal
        case greater
    }

    /// Orders `key[0..<start] + suffix` against `key` (whose first `start` bytes match).
    private func compareSuffix(_ suffix: UnsafeRawBufferPointer, with key: UnsafeRawBufferPointer,
                               from start: Int) -> SuffixOrder {
        let rest = key.count - start
        let limit = min(suffix.count, rest)
        var index = 0
        while index < limit && suffix[index] == key[start + index] { index += 1 }
        if index < limit {
            return suffix[index] < key[start + index] ? .less(commonPrefixLength: start + index) : .greater
        }
        if suffix.count == rest { return .equal }
        return suffix.count < rest ? .less(commonPrefixLength: start + index) : .greater
    }
}
