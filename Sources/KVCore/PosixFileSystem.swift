#if canImport(Glibc)
import Glibc
#endif

/// The real file system, through POSIX calls.
public struct PosixFileSystem: FileSystem {
    public init() {}

    public func openForAppend(_ path: String, truncate: Bool) throws(FileSystemError) -> any WritableFile {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .io(operation: "fstat", path: path, errno: code)
        }
        return PosixWritableFile(fd: fd, path: path, size: Int(info.st_size))
    }

    public func createMapped(_ path: String, capacityBytes: Int) throws(FileSystemError) -> any MappedFile {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        do {
            return try PosixMappedFile(fd: fd, path: path, capacityBytes: capacityBytes)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    public func openForReading(_ path: String) throws(FileSystemError) -> any ReadableFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw errno == ENOENT ? .notFound(path: path) : .io(operation: "open", path: path, errno: errno)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .io(operation: "fstat", path: path, errno: code)
        }
        return PosixReadableFile(fd: fd, path: path, size: Int(info.st_size))
    }

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(path) else {
            throw errno == ENOENT ? .notFound(path: path) : .io(operation: "opendir", path: path, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func createDirectory(_ path: String) throws(FileSystemError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .io(operation: "mkdir", path: prefix, errno: errno)
            }
        }
    }

    public func removeFile(_ path: String) throws(FileSystemError) {
        guard unlink(path) == 0 else {
            throw errno == ENOENT ? .notFound(path: path) : .io(operation: "unlink", path: path, errno: errno)
        }
    }

    public func rename(_ source: String, to destination: String) throws(FileSystemError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw .io(operation: "rename", path: "\(source) -> \(destination)", errno: errno)
        }
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open directory", path: path, errno: errno) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync directory", path: path, errno: errno) }
    }

    public func truncate(_ path: String, toSize size: Int) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { Glibc.close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw .io(operation: "ftruncate", path: path, errno: errno) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    public func fileSize(_ path: String) throws(FileSystemError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOENT ? .notFound(path: path) : .io(operation: "stat", path: path, errno: errno)
        }
        return Int(info.st_size)
    }
}

/// A POSIX file descriptor opened with O_APPEND.
final class PosixWritableFile: WritableFile, @unchecked Sendable {
    // Mutable state is owned by one writer at a time (see WritableFile's contract).
    private let fd: Int32
    private let path: String
    private(set) var size: Int

    init(fd: Int32, path: String, size: Int) {
        self.fd = fd
        self.path = path
        self.size = size
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
        size += bytes.count
    }

    func sync() throws(FileSystemError) {
        guard fdatasync(fd) == 0 else { throw .io(operation: "fdatasync", path: path, errno: errno) }
    }

    func close() throws(FileSystemError) {
        guard Glibc.close(fd) == 0 else { throw .io(operation: "close", path: path, errno: errno) }
    }
}

/// A POSIX file descriptor read with pread, which is safe from many threads.
final class PosixReadableFile: ReadableFile {
    private let fd: Int32
    private let path: String
    let size: Int

    init(fd: Int32, path: String, size: Int) {
        self.fd = fd
        self.path = path
        self.size = size
    }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        var total = 0
        while total < buffer.count {
            let got = pread(fd, buffer.baseAddress! + total, buffer.count - total, off_t(offset + total))
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pread", path: path, errno: errno)
            }
            if got == 0 { break }
            total += got
        }
        return total
    }

    func close() { Glibc.close(fd) }

}
