import KVCore

/// Walks the entries of one `Block` in key order without allocating per entry: the current
/// key is rebuilt in a buffer the iterator owns and reuses, and the value is a view into the
/// block.
///
/// Not thread-safe: one iterator per thread. `key` and `value` are valid until the iterator
/// moves or is reset; the iterator keeps its block alive. Damaged entries throw
/// `DecodeError` (offsets relative to the block) and leave the iterator invalid.
final class BlockIterator {
    private(set) var block: Block?
    private var keyStorage: UnsafeMutableRawPointer
    private var keyCapacityBytes: Int
    private var keySizeBytes = 0
    private var valueOffset = 0
    private var valueSizeBytes = 0
    /// Where the entry after the current one starts.
    private var nextOffset = 0
    /// Whether the iterator is at an entry.
    private(set) var isValid = false

    init() {
        keyCapacityBytes = 64
        keyStorage = UnsafeMutableRawPointer.allocate(byteCount: keyCapacityBytes, alignment: 8)
    }

    deinit { keyStorage.deallocate() }

    /// Switches to `block` (or none), leaving the iterator invalid until a seek.
    func reset(_ block: Block?) {
        self.block = block
        isValid = false
        keySizeBytes = 0
        nextOffset = 0
    }

    /// The current key. Requires `isValid`.
    var key: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: keyStorage, count: keySizeBytes)
    }

    /// The current value, a view into the block. Requires `isValid`.
    var value: UnsafeRawBufferPointer {
        guard let block else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: block.bytes[valueOffset..<(valueOffset + valueSizeBytes)])
    }

    /// Moves to the first entry (invalid if the block is empty).
    func seekToFirst() throws(DecodeError) {
        keySizeBytes = 0
        nextOffset = 0
        try advance()
    }

    /// Moves to the first entry whose key is >= `target` (invalid if none).
    func seek(_ target: UnsafeRawBufferPointer) throws(DecodeError) {
        guard let block, !block.isEmpty else {
            isValid = false
            return
        }
        keySizeBytes = 0
        nextOffset = try block.restartOffset(try block.restartIndex(atOrBefore: target))
        try advance()
        while isValid && compareBytes(key, target) < 0 {
            try advance()
        }
    }

    /// Moves to the next entry. Requires `isValid`.
    func next() throws(DecodeError) {
        try advance()
    }

    /// Decodes the entry at `nextOffset`, or becomes invalid at the end of the entries.
    @inline(__always)
    private func advance() throws(DecodeError) {
        guard let block, nextOffset < block.restartsOffset else {
            isValid = false
            return
        }
        isValid = false
        let entry = try block.entry(at: nextOffset)
        guard entry.shared <= keySizeBytes else {
            throw .malformed(offset: nextOffset, reason: "entry shares \(entry.shared) bytes of a \(keySizeBytes)-byte key")
        }
        let newKeySize = entry.shared + entry.unsharedSizeBytes
        if newKeySize > keyCapacityBytes { growKeyStorage(to: newKeySize) }
        if entry.unsharedSizeBytes > 0 {
            (keyStorage + entry.shared).copyMemory(from: block.bytes.baseAddress! + entry.keySuffixOffset,
                                                   byteCount: entry.unsharedSizeBytes)
        }
        keySizeBytes = newKeySize
        valueOffset = entry.valueOffset
        valueSizeBytes = entry.valueSizeBytes
        nextOffset = entry.nextOffset
        isValid = true
    }

    private func growKeyStorage(to minimumBytes: Int) {
        let capacity = max(minimumBytes, keyCapacityBytes * 2)
        let storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        storage.copyMemory(from: keyStorage, byteCount: keySizeBytes)
        keyStorage.deallocate()
        keyStorage = storage
        keyCapacityBytes = capacity
    }
}
