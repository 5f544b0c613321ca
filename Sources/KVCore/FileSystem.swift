/// All file access of the storage engine goes through a `FileSystem`, so that tests can
/// inject faults and simulate power loss (see `SimulatedFileSystem`).
///
/// Paths are plain strings; directories are created explicitly. Durability follows POSIX:
/// file contents are durable after `WritableFile.sync()`, and a directory's entries (new,
/// renamed or removed files) only after `syncDirectory` on that directory.
public protocol FileSystem: Sendable {
    /// Opens `path` for appending, creating it if missing; `truncate` empties it first.
    func openForAppend(_ path: String, truncate: Bool) throws(FileSystemError) -> any WritableFile
    /// Creates `path` (replacing any file of that name) with `capacityBytes` zero bytes claimed
    /// on disk, and maps it for writing. Claiming the space now means a full disk fails here,
    /// with an `.io` error naming the path and ENOSPC, never later at a store into the mapping
    /// (where it could only be a SIGBUS). The new size and contents are durable only after
    /// `MappedFile.sync()` (and the directory entry after `syncDirectory`).
    func createMapped(_ path: String, capacityBytes: Int) throws(FileSystemError) -> any MappedFile
    /// Opens an existing file for positional reads.
    func openForReading(_ path: String) throws(FileSystemError) -> any ReadableFile
    /// Whether a file or directory exists at `path`.
    func exists(_ path: String) -> Bool
    /// Names (not paths) of the entries in a directory, in no particular order.
    func listDirectory(_ path: String) throws(FileSystemError) -> [String]
    /// Creates a directory and any missing parents.
    func createDirectory(_ path: String) throws(FileSystemError)
    /// Removes a file.
    func removeFile(_ path: String) throws(FileSystemError)
    /// Atomically renames `source` to `destination`, replacing it if present.
    func rename(_ source: String, to destination: String) throws(FileSystemError)
    /// Makes the directory's entries durable.
    func syncDirectory(_ path: String) throws(FileSystemError)
    /// Cuts a file to `size` bytes and syncs it (used to drop a torn commit-log tail).
    func truncate(_ path: String, toSize size: Int) throws(FileSystemError)
    /// The size of a file in bytes.
    func fileSize(_ path: String) throws(FileSystemError) -> Int
}

/// A file open for appending. The owner serialises `append` calls; `sync` may run on
/// another thread at the same time as an `append` (group commit syncs outside its lock).
public protocol WritableFile: AnyObject, Sendable {
    /// Bytes written so far (including bytes not yet synced).
    var size: Int { get }
    /// Appends bytes at the end of the file.
    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError)
    /// Makes everything appended so far durable. A failure here is fatal to the caller:
    /// the kernel may have dropped the dirty pages, so the data's fate is unknown.
    func sync() throws(FileSystemError)
    /// Closes the file; further calls are errors.
    func close() throws(FileSystemError)
}

extension WritableFile {
    /// Appends the bytes of an array.
    public func append(_ bytes: [UInt8]) throws(FileSystemError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(FileSystemError) in try append(buffer) }
        }.get()
    }
}

/// A file of fixed capacity mapped into memory for writing (`FileSystem.createMapped`), for
/// append-only logs: storing bytes is a copy into the page cache, not a system call.
///
/// Stored bytes are in the page cache as soon as `store` returns, so they survive a crash of
/// the process exactly as bytes written with write(2) do; they survive power loss only once
/// `sync` has returned. The owner serialises `store`, `seal` and `close` calls; `sync` and
/// `prefault` may run on another thread at the same time as any of them (the mapping lives as
/// long as the object, and `sync` goes through the file descriptor).
public protocol MappedFile: AnyObject, Sendable {
    /// The size the file was created with; stores must end within it.
    var capacityBytes: Int { get }
    /// Copies `bytes` into the file at `offset`; `offset + bytes.count` must not exceed
    /// `capacityBytes`, and the file must not be sealed. Never a system call, but the first
    /// store into a page not yet `prefault`ed takes a page fault. Throws only for a simulated
    /// file whose process has crashed.
    func store(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError)
    /// Faults in the pages of `offset..<offset + count` (clamped to the capacity) writable
    /// without changing a byte, so that stores into them take no page fault: lets an owner
    /// pay for the faults on another thread, outside its lock. Safe while another thread
    /// stores into the same range. Best effort: does nothing where unsupported or once sealed.
    func prefault(from offset: Int, count: Int)
    /// Drops this process's page-table entries for the whole pages before `offset`, keeping
    /// their contents: dirty pages stay in the page cache for the next `sync`, and a later
    /// store maps its page again. Call before `sync` with the end of what is stored: writeback
    /// must write-protect every page still mapped, one TLB-flush interrupt to the other cores
    /// per page (perf: most of a commit-log sync's cost), while releasing a range flushes once.
    /// Safe while another thread stores into the range. Best effort, as `prefault`.
    func releasePages(before offset: Int)
    /// Makes everything stored so far durable (fdatasync). A failure is fatal to the caller,
    /// as for `WritableFile.sync`.
    func sync() throws(FileSystemError)
    /// Cuts the file to its first `sizeBytes` bytes (the part written), durably: contents and
    /// size are synced. Afterwards `store` is not allowed.
    func seal(sizeBytes: Int) throws(FileSystemError)
    /// Closes the file descriptor; only `prefault` (a no-op then) may follow. Stored bytes stay
    /// in the page cache (a close is not a sync). The mapping goes with the object.
    func close() throws(FileSystemError)
}

extension MappedFile {
    /// Stores the bytes of an array at `offset`.
    public func store(_ bytes: [UInt8], at offset: Int) throws(FileSystemError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(FileSystemError) in try store(buffer, at: offset) }
        }.get()
    }
}

/// A file open for positional reads. Safe for concurrent use.
public protocol ReadableFile: AnyObject, Sendable {
    /// The file's size when it was opened.
    var size: Int { get }
    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read
    /// (fewer only at the end of the file).
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int
    /// Closes the file.
    func close()
}

extension ReadableFile {
    /// Reads exactly `count` bytes at `offset`, or throws `shortRead`.
    public func readExactly(at offset: Int, count: Int, path: String) throws(FileSystemError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        let got = try result.withUnsafeMutableBytes { buffer in
            Result { () throws(FileSystemError) in try read(at: offset, into: buffer) }
        }.get()
        guard got == count else { throw .shortRead(path: path, offset: offset, expected: count, got: got) }
        return result
    }
}

/// A failure of the file system, as opposed to corrupt content.
public enum FileSystemError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case alreadyExists(path: String)
    case shortRead(path: String, offset: Int, expected: Int, got: Int)
    /// The operating system refused: `operation` on `path` failed with `errno`.
    case io(operation: String, path: String, errno: Int32)
    /// An injected fault or a handle used after a simulated crash.
    case injected(operation: String, path: String)

    public var description: String {
        switch self {
        case .notFound(let path): "no such file: \(path)"
        case .alreadyExists(let path): "already exists: \(path)"
        case let .shortRead(path, offset, expected, got):
            "short read of \(path) at offset \(offset): wanted \(expected) bytes, got \(got)"
        case let .io(operation, path, errno): "\(operation) \(path) failed: \(describeErrno(errno))"
        case let .injected(operation, path): "\(operation) \(path) failed (injected fault)"
        }
    }
}

#if canImport(Glibc)
import Glibc
func describeErrno(_ code: Int32) -> String { String(cString: strerror(code)) + " (errno \(code))" }
#else
func describeErrno(_ code: Int32) -> String { "errno \(code)" }
#endif

/// Joins path components with "/".
public func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
