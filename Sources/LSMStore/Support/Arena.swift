import Synchronization

/// Bump allocator for a memtable's nodes and values. Memory is freed all at once when the
/// arena goes away, which is what lets skiplist readers follow pointers without locks.
/// Single writer: only the memtable's inserting thread allocates.
final class Arena {
    static let chunkSizeBytes = 1 << 20
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    /// Bytes handed out (what the memtable's size accounting uses): written by the one
    /// writer, read by any thread.
    private let handedOut = Atomic<Int>(0)
    var allocatedBytes: Int { handedOut.load(ordering: .relaxed) }

    /// `byteCount` bytes aligned to 8, valid until the arena is deinitialised.
    func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let size = (byteCount + 7) & ~7
        if size > remaining {
            if size > Self.chunkSizeBytes / 4 { return allocateDedicatedChunk(size) }
            let chunk = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSizeBytes, alignment: 8)
            chunks.append(chunk)
            cursor = chunk
            remaining = Self.chunkSizeBytes
        }
        handedOut.store(allocatedBytes + size, ordering: .relaxed)
        let result = cursor!
        cursor = result + size
        remaining -= size
        return result
    }

    private func allocateDedicatedChunk(_ size: Int) -> UnsafeMutableRawPointer {
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        chunks.append(chunk)
        handedOut.store(allocatedBytes + size, ordering: .relaxed)
        return chunk
    }

    deinit {
        for chunk in chunks { chunk.deallocate() }
    }
}
