/// A reusable heap buffer with a stable address, for bytes that must outlive the call that
/// produced them (a scanner's merged row, valid until the scanner moves).
final class ScratchBuffer {
    private var storage: UnsafeMutableRawBufferPointer

    init(capacity: Int = 256) {
        storage = .allocate(byteCount: max(capacity, 16), alignment: 8)
    }

    /// Copies `bytes` in (growing if needed) and returns a view of them.
    func store(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        if bytes.count > storage.count {
            storage.deallocate()
            storage = .allocate(byteCount: max(bytes.count, storage.count * 2), alignment: 8)
        }
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { storage.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        }
        return UnsafeRawBufferPointer(start: storage.baseAddress, count: bytes.count)
    }

    deinit { storage.deallocate() }
}
