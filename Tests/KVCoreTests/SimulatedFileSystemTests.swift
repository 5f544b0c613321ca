#if canImport(Glibc)
import Glibc
#endif
import KVCore
import Testing

/// What survives `crash(...)`, and the injected faults.
@Suite struct SimulatedFileSystemTests {
    static func contents(_ fileSystem: SimulatedFileSystem, _ path: String) -> [UInt8]? {
        try? fileSystem.contents(of: path)
    }

    /// A file in /d whose directory entry is durable, holding `synced` (synced) then `unsynced`.
    static func makeFile(_ fileSystem: SimulatedFileSystem, synced: [UInt8], unsynced: [UInt8]) throws -> any WritableFile {
        try fileSystem.createDirectory("/d")
        let file = try fileSystem.openForAppend("/d/f", truncate: false)
        try file.append(synced)
        try file.sync()
        try fileSystem.syncDirectory("/d")
        try file.append(unsynced)
        return file
    }

    @Test func syncedDataSurvivesACrashAndUnsyncedIsDroppedWithDropAll() throws {
        let fileSystem = SimulatedFileSystem()
        let file = try Self.makeFile(fileSystem, synced: [1, 2, 3], unsynced: [4, 5])
        #expect(file.size == 5)
        #expect(Self.contents(fileSystem, "/d/f") == [1, 2, 3, 4, 5])
        fileSystem.crash(unsynced: .dropAll)
        #expect(Self.contents(fileSystem, "/d/f") == [1, 2, 3])
        #expect(try fileSystem.fileSize("/d/f") == 3)
    }

    @Test func keepRandomPrefixKeepsAPrefixOfTheUnsyncedTail() throws {
        var lengths = Set<Int>()
        for seed in 0..<40 {
            let fileSystem = SimulatedFileSystem()
            let full: [UInt8] = Array(1...10)
            _ = try Self.makeFile(fileSystem, synced: Array(full[..<3]), unsynced: Array(full[3...]))
            fileSystem.crash(unsynced: .keepRandomPrefix(SeededRandomSource(seed: UInt64(seed))))
            let survivor = try #require(Self.contents(fileSystem, "/d/f"))
            #expect(survivor.count >= 3 && full.starts(with: survivor), "\(survivor)")
            lengths.insert(survivor.count)
            // What survived is now durable: a second crash keeps it.
            fileSystem.crash(unsynced: .dropAll)
            #expect(Self.contents(fileSystem, "/d/f") == survivor)
        }
        #expect(lengths.count > 3, "different seeds tear at different points: \(lengths)")
    }

    @Test func aSyncedFileWhoseDirectoryWasNotSyncedDisappears() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/d")
        let file = try fileSystem.openForAppend("/d/new", truncate: false)
        try file.append([1])
        try file.sync()
        #expect(fileSystem.exists("/d/new"))
        fileSystem.crash()
        #expect(!fileSystem.exists("/d/new"))
        #expect(try fileSystem.listDirectory("/d").isEmpty)
        #expect(throws: FileSystemError.notFound(path: "/d/new")) { try fileSystem.openForReading("/d/new") }
    }

    @Test func renameIsDurableOnlyAfterSyncDirectory() throws {
        let fileSystem = SimulatedFileSystem()
        _ = try Self.makeFile(fileSystem, synced: [7], unsynced: [])
        try fileSystem.rename("/d/f", to: "/d/g")
        #expect(!fileSystem.exists("/d/f") && fileSystem.exists("/d/g"))
        fileSystem.crash()
        #expect(fileSystem.exists("/d/f") && !fileSystem.exists("/d/g"), "the rename was not durable")
        try fileSystem.rename("/d/f", to: "/d/g")
        try fileSystem.syncDirectory("/d")
        fileSystem.crash()
        #expect(!fileSystem.exists("/d/f"))
        #expect(Self.contents(fileSystem, "/d/g") == [7])
    }

    @Test func renameReplacesTheDestination() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/d")
        try fileSystem.openForAppend("/d/a", truncate: false).append([1])
        try fileSystem.openForAppend("/d/b", truncate: false).append([2])
        try fileSystem.rename("/d/a", to: "/d/b")
        #expect(Self.contents(fileSystem, "/d/b") == [1])
        #expect(try fileSystem.listDirectory("/d") == ["b"])
    }

    @Test func removalIsDurableOnlyAfterSyncDirectory() throws {
        let fileSystem = SimulatedFileSystem()
        _ = try Self.makeFile(fileSystem, synced: [1, 2], unsynced: [])
        try fileSystem.removeFile("/d/f")
        #expect(!fileSystem.exists("/d/f"))
        fileSystem.crash()
        #expect(Self.contents(fileSystem, "/d/f") == [1, 2])
        try fileSystem.removeFile("/d/f")
        try fileSystem.syncDirectory("/d")
        fileSystem.crash()
        #expect(!fileSystem.exists("/d/f"))
    }

    @Test func handlesOpenedBeforeACrashFail() throws {
        let fileSystem = SimulatedFileSystem()
        let writer = try Self.makeFile(fileSystem, synced: [1, 2, 3], unsynced: [])
        let reader = try fileSystem.openForReading("/d/f")
        fileSystem.crash()
        #expect(throws: FileSystemError.self) { try writer.append([4]) }
        #expect(throws: FileSystemError.self) { try writer.sync() }
        var buffer = [UInt8](repeating: 0, count: 3)
        #expect(throws: FileSystemError.self) {
            _ = try buffer.withUnsafeMutableBytes { try reader.read(at: 0, into: $0) }
        }
        // New handles work.
        let fresh = try fileSystem.openForReading("/d/f")
        #expect(try fresh.readExactly(at: 0, count: 3, path: "/d/f") == [1, 2, 3])
        let appender = try fileSystem.openForAppend("/d/f", truncate: false)
        try appender.append([4])
        #expect(Self.contents(fileSystem, "/d/f") == [1, 2, 3, 4])
    }

    @Test func failSyncsInjectsFaultsOnMatchingPathsOnly() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/db/commitlog")
        let log = try fileSystem.openForAppend("/db/commitlog/1.log", truncate: false)
        let other = try fileSystem.openForAppend("/db/data.sst", truncate: false)
        try log.append([1])
        try other.append([1])
        fileSystem.failSyncs(ofPathsContaining: "commitlog")
        let before = fileSystem.syncCount
        #expect(throws: FileSystemError.injected(operation: "fsync", path: "/db/commitlog/1.log")) { try log.sync() }
        try other.sync()
        #expect(fileSystem.syncCount == before + 1)
        fileSystem.clearFaults()
        try log.sync()
        #expect(fileSystem.syncCount == before + 2)
    }

    @Test func corruptFlipsOneByteVisiblyAndDurably() throws {
        let fileSystem = SimulatedFileSystem()
        _ = try Self.makeFile(fileSystem, synced: [0x10, 0x20, 0x30], unsynced: [])
        try fileSystem.corrupt("/d/f", at: 1, xor: 0x01)
        #expect(Self.contents(fileSystem, "/d/f") == [0x10, 0x21, 0x30])
        fileSystem.crash()
        #expect(Self.contents(fileSystem, "/d/f") == [0x10, 0x21, 0x30])
        #expect(throws: FileSystemError.self) { try fileSystem.corrupt("/d/f", at: 3, xor: 1) }
        #expect(throws: FileSystemError.notFound(path: "/d/missing")) { try fileSystem.corrupt("/d/missing", at: 0, xor: 1) }
    }

    @Test func truncateCutsAndMakesDurable() throws {
        let fileSystem = SimulatedFileSystem()
        _ = try Self.makeFile(fileSystem, synced: [1, 2], unsynced: [3, 4, 5])
        try fileSystem.truncate("/d/f", toSize: 4)
        #expect(Self.contents(fileSystem, "/d/f") == [1, 2, 3, 4])
        fileSystem.crash()
        #expect(Self.contents(fileSystem, "/d/f") == [1, 2, 3, 4])
        #expect(throws: FileSystemError.notFound(path: "/d/none")) { try fileSystem.truncate("/d/none", toSize: 0) }
    }

    @Test func openForAppendWithTruncateEmptiesTheFile() throws {
        let fileSystem = SimulatedFileSystem()
        _ = try Self.makeFile(fileSystem, synced: [1, 2, 3], unsynced: [])
        let file = try fileSystem.openForAppend("/d/f", truncate: true)
        #expect(file.size == 0)
        try file.append([9])
        #expect(Self.contents(fileSystem, "/d/f") == [9])
    }

    @Test func directoriesPathsAndMissingFiles() throws {
        let fileSystem = SimulatedFileSystem()
        #expect(throws: FileSystemError.self) { try fileSystem.openForAppend("/nowhere/f", truncate: false) }
        try fileSystem.createDirectory("/a/b/c")
        #expect(fileSystem.exists("/a") && fileSystem.exists("/a/b") && fileSystem.exists("/a/b/c"))
        _ = try fileSystem.openForAppend("/a/b//x/", truncate: false)
        #expect(fileSystem.exists("/a/b/x"))
        #expect(Set(try fileSystem.listDirectory("/a/b")) == ["c", "x"])
        #expect(throws: FileSystemError.notFound(path: "/zzz")) { try fileSystem.listDirectory("/zzz") }
        #expect(throws: FileSystemError.notFound(path: "/a/none")) { try fileSystem.removeFile("/a/none") }
        #expect(throws: FileSystemError.notFound(path: "/a/none")) { try fileSystem.rename("/a/none", to: "/a/other") }
        #expect(throws: FileSystemError.notFound(path: "/a/none")) { try fileSystem.fileSize("/a/none") }
        #expect(throws: FileSystemError.self) { try fileSystem.syncDirectory("/zzz") }
    }

    @Test func readsStopAtTheEndAndReadExactlyReportsShortReads() throws {
        let fileSystem = SimulatedFileSystem()
        _ = try Self.makeFile(fileSystem, synced: [1, 2, 3, 4], unsynced: [])
        let reader = try fileSystem.openForReading("/d/f")
        #expect(reader.size == 4)
        var buffer = [UInt8](repeating: 0, count: 8)
        let got = try buffer.withUnsafeMutableBytes { try reader.read(at: 2, into: $0) }
        #expect(got == 2 && buffer[..<2] == [3, 4])
        #expect(try buffer.withUnsafeMutableBytes { try reader.read(at: 10, into: $0) } == 0)
        #expect(throws: FileSystemError.shortRead(path: "/d/f", offset: 3, expected: 2, got: 1)) {
            try reader.readExactly(at: 3, count: 2, path: "/d/f")
        }
    }

    /// A mapped file in /d of `capacityBytes`, created and synced (with its directory entry).
    static func makeMappedFile(_ fileSystem: SimulatedFileSystem, capacityBytes: Int = 8) throws -> any MappedFile {
        try fileSystem.createDirectory("/d")
        let file = try fileSystem.createMapped("/d/m", capacityBytes: capacityBytes)
        try file.sync()
        try fileSystem.syncDirectory("/d")
        return file
    }

    @Test func aMappedFileIsPreallocatedWithZerosAndStoresInPlace() throws {
        let fileSystem = SimulatedFileSystem()
        let file = try Self.makeMappedFile(fileSystem)
        #expect(try fileSystem.fileSize("/d/m") == 8)
        try file.store([1, 2], at: 0)
        try file.store([5], at: 4)
        #expect(Self.contents(fileSystem, "/d/m") == [1, 2, 0, 0, 5, 0, 0, 0])
        let reader = try fileSystem.openForReading("/d/m")
        #expect(try reader.readExactly(at: 3, count: 5, path: "/d/m") == [0, 5, 0, 0, 0])
    }

    @Test func storesIntoAMappingSurviveAProcessCrashButNotPowerLossUnlessSynced() throws {
        let fileSystem = SimulatedFileSystem()
        let file = try Self.makeMappedFile(fileSystem)
        try file.store([1, 2], at: 0)
        try file.sync()
        try file.store([3], at: 2)
        fileSystem.crashProcess()
        #expect(Self.contents(fileSystem, "/d/m") == [1, 2, 3, 0, 0, 0, 0, 0], "the page cache outlives the process")
        #expect(throws: FileSystemError.injected(operation: "store", path: "/d/m")) { try file.store([9], at: 3) }
        fileSystem.crash(unsynced: .dropAll)
        #expect(Self.contents(fileSystem, "/d/m") == [1, 2, 0, 0, 0, 0, 0, 0], "power loss drops the unsynced byte")
    }

    @Test func keepRandomPrefixTearsUnsyncedStoresInsideAPreallocatedFile() throws {
        var kept = Set<Int>()
        for seed in 0..<40 {
            let fileSystem = SimulatedFileSystem()
            let file = try Self.makeMappedFile(fileSystem, capacityBytes: 16)
            try file.store([1, 2, 3], at: 0)
            try file.sync()
            try file.store([4, 5, 6, 7, 8], at: 3)
            fileSystem.crash(unsynced: .keepRandomPrefix(SeededRandomSource(seed: UInt64(seed))))
            let survivor = try #require(Self.contents(fileSystem, "/d/m"))
            #expect(survivor.count == 16, "the preallocated size was synced")
            let written = survivor.prefix { $0 != 0 }
            #expect(Array(written) == Array(1...UInt8(written.count)) && written.count >= 3, "\(survivor)")
            #expect(survivor[written.count...].allSatisfy { $0 == 0 })
            kept.insert(written.count)
        }
        #expect(kept.count > 3, "different seeds tear at different points: \(kept)")
    }

    @Test func sealCutsAMappedFileDurablyAndPreallocationCanBeMadeToFail() throws {
        let fileSystem = SimulatedFileSystem()
        let file = try Self.makeMappedFile(fileSystem)
        try file.store([7, 7, 7], at: 0)
        try file.seal(sizeBytes: 3)
        fileSystem.crash(unsynced: .dropAll)
        #expect(Self.contents(fileSystem, "/d/m") == [7, 7, 7])
        fileSystem.failPreallocations(ofPathsContaining: "full")
        #expect(throws: FileSystemError.io(operation: "posix_fallocate of 8 bytes for", path: "/d/full", errno: ENOSPC)) {
            try fileSystem.createMapped("/d/full", capacityBytes: 8)
        }
        #expect(try fileSystem.fileSize("/d/full") == 0, "as after open(O_CREAT) and a failed posix_fallocate")
        fileSystem.clearFaults()
        _ = try fileSystem.createMapped("/d/full", capacityBytes: 8)
    }
}
