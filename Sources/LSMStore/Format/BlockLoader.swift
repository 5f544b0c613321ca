import KVCore

/// Reads one block of an SSTable from its file: a positional read of the stored bytes and
/// trailer, the checksum check, then decompression. Nothing is trusted before the checksum
/// matches, and every failure is a `StoreError.corruption` naming the file and the block's
/// offset (or `.io` when the file system fails). Stateless and thread-safe.
enum BlockLoader {
    /// A data block, ready to search. Costs one read and one or two allocations of the
    /// block's size.
    static func loadBlock(from file: any ReadableFile, path: String, handle: BlockHandle) throws(StoreError) -> Block {
        let raw = try readStored(from: file, path: path, handle: handle)
        let trailer: BlockTrailer
        do throws(StoreError) {
            trailer = try verify(raw, path: path, handle: handle)
        } catch {
            raw.deallocate()
            throw error
        }
        switch trailer.compression {
        case .none:
            return try parse(owning: raw, count: handle.sizeBytes, path: path, handle: handle)
        case .lz4:
            defer { raw.deallocate() }
            let output = try decompress(raw, path: path, handle: handle, sizeBytes: trailer.uncompressedSizeBytes)
            return try parse(owning: output, count: trailer.uncompressedSizeBytes, path: path, handle: handle)
        }
    }

    private static func parse(owning allocation: UnsafeMutableRawBufferPointer, count: Int, path: String,
                              handle: BlockHandle) throws(StoreError) -> Block {
        do throws(DecodeError) {
            return try Block.parse(owning: allocation, count: count)
        } catch {
            throw corruption(path: path, handle: handle, error)
        }
    }

    /// A metadata block's uncompressed bytes.
    static func loadBytes(from file: any ReadableFile, path: String, handle: BlockHandle) throws(StoreError) -> [UInt8] {
        let raw = try readStored(from: file, path: path, handle: handle)
        defer { raw.deallocate() }
        let trailer = try verify(raw, path: path, handle: handle)
        switch trailer.compression {
        case .none:
            return Array(UnsafeRawBufferPointer(rebasing: raw[0..<handle.sizeBytes]))
        case .lz4:
            let output = try decompress(raw, path: path, handle: handle, sizeBytes: trailer.uncompressedSizeBytes)
            defer { output.deallocate() }
            return Array(UnsafeRawBufferPointer(rebasing: output[0..<trailer.uncompressedSizeBytes]))
        }
    }

    /// The stored bytes followed by the trailer, in a new allocation the caller frees.
    private static func readStored(from file: any ReadableFile, path: String,
                                   handle: BlockHandle) throws(StoreError) -> UnsafeMutableRawBufferPointer {
        let total = handle.sizeBytes + BlockTrailer.encodedSizeBytes
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 8)
        let got: Int
        do throws(FileSystemError) {
            got = try file.read(at: handle.offset, into: raw)
        } catch {
            raw.deallocate()
            throw .io(error)
        }
        guard got == total else {
            raw.deallocate()
            throw .corruption(file: path, offset: handle.offset, reason: "block of \(total) bytes cut short at \(got) bytes")
        }
        return raw
    }

    private static func verify(_ raw: UnsafeMutableRawBufferPointer, path: String,
                               handle: BlockHandle) throws(StoreError) -> BlockTrailer {
        do throws(DecodeError) {
            return try BlockTrailer.verify(stored: UnsafeRawBufferPointer(rebasing: raw[0..<handle.sizeBytes]),
                                           trailer: UnsafeRawBufferPointer(rebasing: raw[handle.sizeBytes...]))
        } catch {
            throw corruption(path: path, handle: handle, error)
        }
    }

    /// The LZ4-decompressed contents of a verified block, in a new allocation the caller owns.
    private static func decompress(_ raw: UnsafeMutableRawBufferPointer, path: String, handle: BlockHandle,
                                   sizeBytes: Int) throws(StoreError) -> UnsafeMutableRawBufferPointer {
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: max(sizeBytes, 1), alignment: 8)
        let source = UnsafeRawBufferPointer(rebasing: raw[0..<handle.sizeBytes])
        guard LZ4.decompress(source, into: UnsafeMutableRawBufferPointer(rebasing: output[0..<sizeBytes])) else {
            output.deallocate()
            throw .corruption(file: path, offset: handle.offset, reason: "LZ4 data does not decompress to \(sizeBytes) bytes")
        }
        return output
    }

    /// The corruption error for a block that fails to decode.
    static func corruption(path: String, handle: BlockHandle, _ error: DecodeError) -> StoreError {
        .corruption(file: path, offset: handle.offset, reason: "block of \(handle.sizeBytes) bytes: \(error)")
    }
}
