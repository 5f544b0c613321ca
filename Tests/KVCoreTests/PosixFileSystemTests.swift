import Foundation
import KVCore
import Testing

/// `PosixFileSystem` in a fresh temporary directory.
@Suite struct PosixFileSystemTests {
    let fileSystem = PosixFileSystem()

    private func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "kvcore-posix-\(UUID().uuidString)"
        try fileSystem.createDirectory(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func appendReadAndSize() throws {
        try withTemporaryDirectory { directory in
            let path = joinPath(directory, "file")
            let writer = try fileSystem.openForAppend(path, truncate: false)
            try writer.append([1, 2, 3])
            try writer.append([4, 5])
            try writer.sync()
            #expect(writer.size == 5)
            try writer.close()
            #expect(try fileSystem.fileSize(path) == 5)
            let reopened = try fileSystem.openForAppend(path, truncate: false)
            #expect(reopened.size == 5, "reopening for append keeps the contents")
            try reopened.append([6])
            try reopened.close()
            let reader = try fileSystem.openForReading(path)
            defer { reader.close() }
            #expect(reader.size == 6)
            #expect(try reader.readExactly(at: 0, count: 6, path: path) == [1, 2, 3, 4, 5, 6])
            #expect(try reader.readExactly(at: 4, count: 2, path: path) == [5, 6])
            #expect(throws: FileSystemError.shortRead(path: path, offset: 5, expected: 3, got: 1)) {
                try reader.readExactly(at: 5, count: 3, path: path)
            }
        }
    }

    @Test func truncateOnOpenAndTruncateToSize() throws {
        try withTemporaryDirectory { directory in
            let path = joinPath(directory, "file")
            let writer = try fileSystem.openForAppend(path, truncate: false)
            try writer.append(Array(repeating: 7, count: 100))
            try writer.close()
            try fileSystem.truncate(path, toSize: 10)
            #expect(try fileSystem.fileSize(path) == 10)
            let emptied = try fileSystem.openForAppend(path, truncate: true)
            #expect(emptied.size == 0)
            try emptied.close()
            #expect(try fileSystem.fileSize(path) == 0)
        }
    }

    @Test func renameListAndRemove() throws {
        try withTemporaryDirectory { directory in
            let a = joinPath(directory, "a"), b = joinPath(directory, "b")
            try fileSystem.openForAppend(a, truncate: false).close()
            try fileSystem.createDirectory(joinPath(directory, "sub/deeper"))
            #expect(Set(try fileSystem.listDirectory(directory)) == ["a", "sub"])
            try fileSystem.rename(a, to: b)
            try fileSystem.syncDirectory(directory)
            #expect(!fileSystem.exists(a) && fileSystem.exists(b))
            #expect(Set(try fileSystem.listDirectory(directory)) == ["b", "sub"])
            try fileSystem.removeFile(b)
            #expect(!fileSystem.exists(b))
            #expect(fileSystem.exists(joinPath(directory, "sub/deeper")))
        }
    }

    @Test func missingPathsThrowNotFound() throws {
        try withTemporaryDirectory { directory in
            let missing = joinPath(directory, "missing")
            #expect(throws: FileSystemError.notFound(path: missing)) { try fileSystem.openForReading(missing) }
            #expect(throws: FileSystemError.notFound(path: missing)) { try fileSystem.removeFile(missing) }
            #expect(throws: FileSystemError.notFound(path: missing)) { try fileSystem.fileSize(missing) }
            #expect(throws: FileSystemError.notFound(path: missing)) { try fileSystem.listDirectory(missing) }
            #expect(throws: FileSystemError.self) { try fileSystem.rename(missing, to: missing + "2") }
            #expect(throws: FileSystemError.self) { try fileSystem.openForAppend(joinPath(missing, "x"), truncate: false) }
            #expect(!fileSystem.exists(missing))
        }
    }

    @Test func joinPathAddsOneSlash() {
        #expect(joinPath("/a", "b") == "/a/b")
        #expect(joinPath("/a/", "b") == "/a/b")
    }

    @Test func aMappedFileIsPreallocatedStoredIntoAndSealedToItsWrittenSize() throws {
        try withTemporaryDirectory { directory in
            let path = joinPath(directory, "mapped")
            let file = try fileSystem.createMapped(path, capacityBytes: 10_000)
            #expect(try fileSystem.fileSize(path) == 10_000)
            try file.store([1, 2, 3], at: 0)
            try file.store([9], at: 5000)
            file.prefault(from: 0, count: 10_000)  // Faults pages in without changing a byte.
            try file.sync()
            let reader = try fileSystem.openForReading(path)
            defer { reader.close() }
            #expect(try reader.readExactly(at: 0, count: 4, path: path) == [1, 2, 3, 0], "stores are visible to reads at once")
            #expect(try reader.readExactly(at: 5000, count: 1, path: path) == [9])
            try file.seal(sizeBytes: 3)
            try file.sync()  // Still allowed after the seal (a running sync may still hold the file).
            try file.close()
            #expect(try fileSystem.fileSize(path) == 3)
        }
    }

    @Test func releasedPagesLeaveTheMappingButKeepTheirContents() throws {
        try withTemporaryDirectory { directory in
            let path = joinPath(directory, "mapped")
            let pageBytes = Int(getpagesize())
            let file = try fileSystem.createMapped(path, capacityBytes: 4 * pageBytes)
            for page in 0..<3 { try file.store([UInt8(page + 1)], at: page * pageBytes + 7) }
            #expect(try Self.residentBytes(ofMapping: path) == 3 * pageBytes)
            // Up to the middle of the third page: the first two go, the partial one stays.
            file.releasePages(before: 2 * pageBytes + 8)
            #expect(try Self.residentBytes(ofMapping: path) == pageBytes)
            try file.store([4], at: 8)  // A released page is mapped again on its next store.
            try file.sync()
            let reader = try fileSystem.openForReading(path)
            defer { reader.close() }
            #expect(try reader.readExactly(at: 7, count: 2, path: path) == [1, 4])
            #expect(try reader.readExactly(at: pageBytes + 7, count: 1, path: path) == [2])
            #expect(try reader.readExactly(at: 2 * pageBytes + 7, count: 1, path: path) == [3])
            try file.close()
        }
    }

    /// The bytes of `path`'s mapping that this process's page tables map (smaps `Rss`).
    private static func residentBytes(ofMapping path: String) throws -> Int {
        // Read to the end: a read sized by the file's stat (0 for /proc) would stop at 4 KiB.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps") else {
            throw FileSystemError.io(operation: "opening smaps for", path: path, errno: errno)
        }
        defer { try? handle.close() }
        let lines = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self).split(separator: "\n")
        guard let header = lines.firstIndex(where: { $0.hasSuffix(" " + path) }),
              let rss = lines[header...].first(where: { $0.hasPrefix("Rss:") }),
              let kilobytes = Int(rss.split(separator: " ")[1]) else {
            throw FileSystemError.io(operation: "finding the mapping in smaps of", path: path, errno: 0)
        }
        return kilobytes * 1024
    }

    @Test func aMappingTheDiskCannotHoldFailsAtCreationNamingTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = joinPath(directory, "huge")
            do {
                _ = try fileSystem.createMapped(path, capacityBytes: 1 << 60)
                Issue.record("preallocating an exabyte succeeded")
            } catch FileSystemError.io(let operation, let failedPath, _) {
                #expect(operation.hasPrefix("posix_fallocate"))
                #expect(failedPath == path)
            }
        }
    }
}
