#if canImport(Glibc)
import Glibc
#endif

/// A file preallocated with posix_fallocate and mapped MAP_SHARED: `store` is a memcpy into
/// the page cache. On Linux a shared mapping marks pages dirty as they are written (the page
/// cache is the file), so fdatasync on the descriptor makes them durable just as msync(MS_SYNC)
/// would. The mapping is released only in deinit, so that a `prefault` or `sync` running on
/// another thread never meets an unmapped range, whatever the owner does meanwhile.
final class PosixMappedFile: MappedFile, @unchecked Sendable {
    // `isSealed` is read and written only by the owner (MappedFile's contract).
    private let fd: Int32
    private let path: String
    let capacityBytes: Int
    private let base: UnsafeMutableRawPointer
    private var isSealed = false

    /// Claims `capacityBytes` on disk for the open, empty file `fd` and maps it. The caller
    /// keeps ownership of `fd` if this throws.
    init(fd: Int32, path: String, capacityBytes: Int) throws(FileSystemError) {
        precondition(capacityBytes > 0, "a mapping needs at least one byte")
        self.fd = fd
        self.path = path
        self.capacityBytes = capacityBytes
        // posix_fallocate returns the error number instead of setting errno.
        let result = posix_fallocate(fd, 0, off_t(capacityBytes))
        guard result == 0 else { throw .io(operation: "posix_fallocate of \(capacityBytes) bytes for", path: path, errno: result) }
        let mapping = mmap(nil, capacityBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let mapping, mapping != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .io(operation: "mmap", path: path, errno: errno)
        }
        base = mapping
    }

    deinit { munmap(base, capacityBytes) }  // Fails only for a bad range, which `base` never is.

    func store(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        guard let source = bytes.baseAddress else { return }
        precondition(offset >= 0 && offset + bytes.count <= capacityBytes, "store past the mapping of \(path)")
        precondition(!isSealed, "store into the sealed file \(path)")
        (base + offset).copyMemory(from: source, byteCount: bytes.count)
    }

    func prefault(from offset: Int, count: Int) {
        let pageSizeBytes = Int(getpagesize())
        let start = max(0, offset) / pageSizeBytes * pageSizeBytes
        let end = min(capacityBytes, offset + count)
        guard start < end else { return }
        // MADV_POPULATE_WRITE (Linux 5.14) runs the write faults without writing; an older
        // kernel refuses it (EINVAL), a sealed file's pages past its end give EFAULT: both
        // leave the stores to fault as usual.
        _ = madvise(base + start, end - start, MADV_POPULATE_WRITE)
    }

    func releasePages(before offset: Int) {
        let pageSizeBytes = Int(getpagesize())
        let end = min(capacityBytes, offset) / pageSizeBytes * pageSizeBytes
        guard end > 0 else { return }
        // MADV_DONTNEED on a shared file mapping only unmaps: the kernel moves each pte's
        // dirty bit to its page cache page, which writeback then writes as usual.
        _ = madvise(base, end, MADV_DONTNEED)
    }

    func sync() throws(FileSystemError) {
        guard fdatasync(fd) == 0 else { throw .io(operation: "fdatasync", path: path, errno: errno) }
    }

    func seal(sizeBytes: Int) throws(FileSystemError) {
        precondition(sizeBytes <= capacityBytes, "sealing \(path) past its capacity")
        isSealed = true
        guard ftruncate(fd, off_t(sizeBytes)) == 0 else { throw .io(operation: "ftruncate", path: path, errno: errno) }
        try sync()
    }

    func close() throws(FileSystemError) {
        guard Glibc.close(fd) == 0 else { throw .io(operation: "close", path: path, errno: errno) }
    }
}
