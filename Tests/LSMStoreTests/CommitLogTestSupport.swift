import Foundation
import KVCore
import Synchronization
@testable import LSMStore

/// What a replay handed over: payloads and the position after each, in order.
struct ReplayedRecords {
    var payloads: [[UInt8]] = []
    var positions: [CommitLogPosition] = []
}

/// The directory every simulated commit log lives in.
let commitLogDirectory = "/node/commitlog"

/// Opens the log in `directory` and collects what it replays.
func openCommitLog(_ fileSystem: any FileSystem, directory: String = commitLogDirectory,
                   _ options: CommitLogOptions) throws -> (CommitLog, ReplayedRecords) {
    var replayed = ReplayedRecords()
    let log = try CommitLog.open(directory: directory, fileSystem: fileSystem, options: options) { position, payload in
        replayed.payloads.append(Array(payload))
        replayed.positions.append(position)
    }
    return (log, replayed)
}

/// Deterministic test payload number `index`: `size` bytes (default varies with the index, 0
/// for index 0) whose content depends on the index.
func testPayload(_ index: Int, size: Int? = nil) -> [UInt8] {
    let count = size ?? (index * 37) % 211
    return (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index &* 7 &+ 1) }
}

/// The path of the segment holding `position`.
func segmentPath(_ position: CommitLogPosition, directory: String = commitLogDirectory) -> String {
    joinPath(directory, CommitLogSegment.fileName(id: position.segment))
}

/// Where record `index` starts, given the end positions of all records in order.
func recordStart(_ positions: [CommitLogPosition], _ index: Int) -> Int {
    if index > 0, positions[index - 1].segment == positions[index].segment { return positions[index - 1].offset }
    return CommitLogSegmentHeader.sizeBytes
}

/// Waits (up to 30 s) until a background sync has happened since `syncsBefore` and says whether
/// one did, then simulates a power loss: what no sync covered is gone.
func syncedThenLostPower(_ fileSystem: SimulatedFileSystem, syncsBefore: Int) -> Bool {
    let deadline = Date().addingTimeInterval(30)
    while fileSystem.syncCount == syncsBefore && Date() < deadline { usleep(1000) }
    let synced = fileSystem.syncCount > syncsBefore
    fileSystem.crash(unsynced: .dropAll)
    return synced
}

/// Runs `body(threadIndex)` on `count` real threads at once and waits for all of them, so that
/// concurrency does not depend on how many cores the test machine has.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// A `SimulatedFileSystem` whose file syncs take `syncDelayMicros`, like a real disk: makes
/// group commit observable (appenders pile up behind a running fsync) without timing luck.
final class SlowSyncFileSystem: FileSystem {
    let base: SimulatedFileSystem
    let syncDelayMicros: UInt32

    init(base: SimulatedFileSystem, syncDelayMicros: UInt32) {
        self.base = base
        self.syncDelayMicros = syncDelayMicros
    }

    func openForAppend(_ path: String, truncate: Bool) throws(FileSystemError) -> any WritableFile {
        SlowSyncFile(base: try base.openForAppend(path, truncate: truncate), syncDelayMicros: syncDelayMicros)
    }
    func createMapped(_ path: String, capacityBytes: Int) throws(FileSystemError) -> any MappedFile {
        SlowSyncMappedFile(base: try base.createMapped(path, capacityBytes: capacityBytes), syncDelayMicros: syncDelayMicros)
    }
    func openForReading(_ path: String) throws(FileSystemError) -> any ReadableFile { try base.openForReading(path) }
    func exists(_ path: String) -> Bool { base.exists(path) }
    func listDirectory(_ path: String) throws(FileSystemError) -> [String] { try base.listDirectory(path) }
    func createDirectory(_ path: String) throws(FileSystemError) { try base.createDirectory(path) }
    func removeFile(_ path: String) throws(FileSystemError) { try base.removeFile(path) }
    func rename(_ source: String, to destination: String) throws(FileSystemError) {
        try base.rename(source, to: destination)
    }
    func syncDirectory(_ path: String) throws(FileSystemError) { try base.syncDirectory(path) }
    func truncate(_ path: String, toSize size: Int) throws(FileSystemError) { try base.truncate(path, toSize: size) }
    func fileSize(_ path: String) throws(FileSystemError) -> Int { try base.fileSize(path) }
}

/// A file whose `sync` sleeps before syncing.
final class SlowSyncFile: WritableFile {
    let base: any WritableFile
    let syncDelayMicros: UInt32

    init(base: any WritableFile, syncDelayMicros: UInt32) {
        self.base = base
        self.syncDelayMicros = syncDelayMicros
    }

    var size: Int { base.size }
    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) { try base.append(bytes) }
    func sync() throws(FileSystemError) {
        usleep(syncDelayMicros)
        try base.sync()
    }
    func close() throws(FileSystemError) { try base.close() }
}

/// A mapped file whose `sync` sleeps before syncing.
final class SlowSyncMappedFile: MappedFile {
    let base: any MappedFile
    let syncDelayMicros: UInt32

    init(base: any MappedFile, syncDelayMicros: UInt32) {
        self.base = base
        self.syncDelayMicros = syncDelayMicros
    }

    var capacityBytes: Int { base.capacityBytes }
    func store(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) { try base.store(bytes, at: offset) }
    func prefault(from offset: Int, count: Int) { base.prefault(from: offset, count: count) }
    func releasePages(before offset: Int) { base.releasePages(before: offset) }
    func sync() throws(FileSystemError) {
        usleep(syncDelayMicros)
        try base.sync()
    }
    func seal(sizeBytes: Int) throws(FileSystemError) { try base.seal(sizeBytes: sizeBytes) }
    func close() throws(FileSystemError) { try base.close() }
}
