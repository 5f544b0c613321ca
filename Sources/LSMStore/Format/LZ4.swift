import CLZ4

/// LZ4 block compression of SSTable data blocks (liblz4).
enum LZ4 {
    /// The worst-case compressed size of `count` bytes.
    static func maxCompressedSize(_ count: Int) -> Int { Int(LZ4_compressBound(Int32(count))) }

    /// Compresses `source` into `destination`; returns the compressed size, or nil if it did
    /// not fit. `destination` should have `maxCompressedSize` bytes.
    static func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Int? {
        let written = LZ4_compress_default(
            source.baseAddress?.assumingMemoryBound(to: CChar.self),
            destination.baseAddress?.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(destination.count))
        return written > 0 ? Int(written) : nil
    }

    /// Decompresses `source` into exactly `destination.count` bytes; false if the input is
    /// malformed or does not decompress to that size. Never writes past `destination`.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Bool {
        let written = LZ4_decompress_safe(
            source.baseAddress?.assumingMemoryBound(to: CChar.self),
            destination.baseAddress?.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(destination.count))
        return written == Int32(destination.count)
    }
}
