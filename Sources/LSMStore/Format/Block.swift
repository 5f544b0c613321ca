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

    private init(allocation: UnsafeMutableRawBufferPointer, count: Int, restartsOffset: Int, restartCount: Int) {
        self.allocation = allocation
        self.bytes = UnsafeRawBufferPointer(rebasing: allocation[0..<count])
        self.restartsOffset = restartsOffset
        self.restartCount = restartCount
    }

    deinit { allocation.deallocate() }

    /// Takes ownership of `allocation`, whose first `count` bytes are the block, and checks
    /// the restart array. On failure the allocation is freed and the error thrown.
    static func parse(owning allocation: UnsafeMutableRawBufferPointer, count: Int) throws(DecodeError) -> Block {
        precondition(count <= allocation.count)
        do {
            let (restartsOffset, restartCount) = try parseRestartArray(
                UnsafeRawBufferPointer(rebasing: allocation[0..<count]))
            return Block(allocation: allocation, count: count, restartsOffset: restartsOffset, restartCount: restartCount)
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

    private static func parseRestartArray(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> (Int, Int) {
        guard bytes.count >= 4 else { throw .truncated(offset: 0) }
        let count = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self)))
        guard count <= (bytes.count - 4) / 4 else {
            throw .malformed(offset: bytes.count - 4, reason: "restart count \(count) does not fit the block")
        }
        let restartsOffset = bytes.count - 4 - count * 4
        guard count > 0 || restartsOffset == 0 else {
            throw .malformed(offset: bytes.count - 4, reason: "entries without restart points")
        }
        return (restartsOffset, count)
    }

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
    /// block lives), or nil. Allocation-free: compares keys without rebuilding them, by
    /// tracking how many leading bytes the previous key shared with `key`.
    func value(forKey key: UnsafeRawBufferPointer) throws(DecodeError) -> UnsafeRawBufferPointer? {
        guard !isEmpty else { return nil }
        var offset = try restartOffset(try restartIndex(atOrBefore: key))
        var matched = 0   // bytes the previous key has in common with `key` (previous < key)
        var isFirst = true
        while offset < restartsOffset {
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
