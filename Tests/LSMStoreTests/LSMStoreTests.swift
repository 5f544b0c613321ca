import Foundation
import KVCore
import Testing
@testable import LSMStore

/// A store in `/db` on a `SimulatedFileSystem` with a `ManualClock`, reopened and crashed at
/// will. Shared by the store-level suites (LSMStoreTests, LSMTableTests, CompactionTests).
final class EngineTestHarness {
    static let directory = "/db"
    static let dataDirectory = "/db/data"
    static let commitLogDirectory = "/db/commitlog"

    let fileSystem = SimulatedFileSystem()
    let clock = ManualClock()
    let options: StoreOptions
    /// When given, the store sees the file system through this gate.
    let gate: GatedFileSystem?
    private(set) var store: LSMStore

    var storeFileSystem: any FileSystem { gate ?? fileSystem }

    /// Batch sync (every acknowledged write is durable), 1 MiB memtables, unthrottled compaction.
    static func options(memtableSizeBytes: Int = 1 << 20, segmentSizeBytes: Int = 1 << 20,
                        maxFlushBacklog: Int = 2) -> StoreOptions {
        var options = StoreOptions()
        options.commitLog = CommitLogOptions(syncMode: .batch, segmentSizeBytes: segmentSizeBytes)
        options.memtableSizeBytes = memtableSizeBytes
        options.maxFlushBacklog = maxFlushBacklog
        options.blockCacheSizeBytes = 1 << 20
        options.compactionThroughputBytesPerSecond = 0
        return options
    }

    init(options: StoreOptions = EngineTestHarness.options(), gated: Bool = false) throws {
        self.options = options
        let gate = gated ? GatedFileSystem(base: fileSystem) : nil
        self.gate = gate
        store = try LSMStore.open(directory: Self.directory, options: options, fileSystem: gate ?? fileSystem, clock: clock)
    }

    deinit { try? store.close() }

    /// Closes cleanly and opens again.
    @discardableResult
    func reopen() throws -> LSMStore {
        try store.close()
        store = try LSMStore.open(directory: Self.directory, options: options, fileSystem: storeFileSystem, clock: clock)
        return store
    }

    /// Kills the store without flushing, loses power, and opens again.
    @discardableResult
    func crashAndReopen(unsynced: SimulatedFileSystem.UnsyncedData = .dropAll) throws -> LSMStore {
        store.stopAsIfKilled()
        fileSystem.crash(unsynced: unsynced)
        store = try LSMStore.open(directory: Self.directory, options: options, fileSystem: storeFileSystem, clock: clock)
        return store
    }

    func table(_ id: TableID) throws -> LSMTable { try #require(store.table(id)) }

    /// Names of the SSTables in data/ (optionally only one table's).
    func sstableNames(of table: TableID? = nil) -> [String] {
        let names = (try? fileSystem.listDirectory(Self.dataDirectory)) ?? []
        let prefix = table.map { "\($0)-" } ?? ""
        return names.filter { $0.hasSuffix(".sst") && $0.hasPrefix(prefix) }.sorted()
    }

    func commitLogSegmentNames() -> [String] {
        ((try? fileSystem.listDirectory(Self.commitLogDirectory)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
    }

    /// Polls `condition` every 5 ms for up to `timeoutSeconds` (background work is asynchronous).
    static func eventually(timeoutSeconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(5_000)
        }
        return try condition()
    }
}

/// A `SimulatedFileSystem` seen through a gate that can hold, on matching paths, either file
/// syncs or reads at offset 0 (the first data block), until opened: it freezes a background
/// flush or compaction at a known point, so that a race can be replayed deterministically.
final class GatedFileSystem: FileSystem, @unchecked Sendable {
    // `closedGate` and `blockedCount` are guarded by `condition`.
    enum Operation: Sendable { case sync, readOfFirstBlock }

    let base: SimulatedFileSystem
    private let condition = NSCondition()
    private var closedGate: (operation: Operation, fragment: String)?
    private var blockedCount = 0

    init(base: SimulatedFileSystem) { self.base = base }

    /// From now on `operation` on paths containing `fragment` waits until `open()`.
    func close(_ operation: Operation, pathsContaining fragment: String) {
        condition.withLock { closedGate = (operation, fragment) }
    }

    func open() {
        condition.withLock { closedGate = nil }
        condition.broadcast()
    }

    /// Whether some operation is (or was) held within `timeoutSeconds`.
    func waitUntilSomethingIsHeld(timeoutSeconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        return condition.withLock {
            while blockedCount == 0 { if !condition.wait(until: deadline) { return false } }
            return true
        }
    }

    fileprivate func pass(_ operation: Operation, path: String) {
        condition.withLock {
            func isHeld() -> Bool { closedGate.map { $0.operation == operation && path.contains($0.fragment) } ?? false }
            guard isHeld() else { return }
            blockedCount += 1
            condition.broadcast()
            while isHeld() { condition.wait() }
        }
    }

    func openForAppend(_ path: String, truncate: Bool) throws(FileSystemError) -> any WritableFile {
        GatedWritableFile(base: try base.openForAppend(path, truncate: truncate), gate: self, path: path)
    }
    /// Not gated: only the commit log maps files, and no test holds its syncs.
    func createMapped(_ path: String, capacityBytes: Int) throws(FileSystemError) -> any MappedFile {
        try base.createMapped(path, capacityBytes: capacityBytes)
    }
    func openForReading(_ path: String) throws(FileSystemError) -> any ReadableFile {
        GatedReadableFile(base: try base.openForReading(path), gate: self, path: path)
    }
    func exists(_ path: String) -> Bool { base.exists(path) }
    func listDirectory(_ path: String) throws(FileSystemError) -> [String] { try base.listDirectory(path) }
    func createDirectory(_ path: String) throws(FileSystemError) { try base.createDirectory(path) }
    func removeFile(_ path: String) throws(FileSystemError) { try base.removeFile(path) }
    func rename(_ source: String, to destination: String) throws(FileSystemError) { try base.rename(source, to: destination) }
    func syncDirectory(_ path: String) throws(FileSystemError) { try base.syncDirectory(path) }
    func truncate(_ path: String, toSize size: Int) throws(FileSystemError) { try base.truncate(path, toSize: size) }
    func fileSize(_ path: String) throws(FileSystemError) -> Int { try base.fileSize(path) }
}

private final class GatedWritableFile: WritableFile {
    let base: any WritableFile
    let gate: GatedFileSystem
    let path: String

    init(base: any WritableFile, gate: GatedFileSystem, path: String) {
        self.base = base
        self.gate = gate
        self.path = path
    }

    var size: Int { base.size }
    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) { try base.append(bytes) }
    func sync() throws(FileSystemError) {
        gate.pass(.sync, path: path)
        try base.sync()
    }
    func close() throws(FileSystemError) { try base.close() }
}

private final class GatedReadableFile: ReadableFile {
    let base: any ReadableFile
    let gate: GatedFileSystem
    let path: String

    init(base: any ReadableFile, gate: GatedFileSystem, path: String) {
        self.base = base
        self.gate = gate
        self.path = path
    }

    var size: Int { base.size }
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        if offset == 0 { gate.pass(.readOfFirstBlock, path: path) }
        return try base.read(at: offset, into: buffer)
    }
    func close() { base.close() }
}

/// Runs `body` on a new thread; `wait` says whether it finished in time.
final class BackgroundCall: @unchecked Sendable {
    // `error` is written by the thread before it signals `finished`.
    private let finished = DispatchSemaphore(value: 0)
    private(set) var error: (any Error)?

    init(_ body: @escaping @Sendable () throws -> Void) {
        Thread { [self] in
            do { try body() } catch { self.error = error }
            finished.signal()
        }.start()
    }

    func wait(timeoutSeconds: Double) -> Bool {
        finished.wait(timeout: .now() + timeoutSeconds) == .success
    }
}

/// Rows used by the store-level suites.
enum EngineRows {
    static func partition(_ number: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(number).bigEndian) { Array($0) } }

    static func row(_ number: Int, clustering: [UInt8] = [], timestamp: Int64 = 1, valueBytes: Int = 20) -> Row {
        Row(clustering: clustering, cells: [
            .live(column: 1, timestamp: timestamp, value: withUnsafeBytes(of: UInt32(number).bigEndian) { Array($0) }),
            .live(column: 2, timestamp: timestamp, value: [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: valueBytes)),
        ])
    }

    static func update(_ number: Int, clustering: [UInt8] = [], timestamp: Int64 = 1, valueBytes: Int = 20) -> PartitionUpdate {
        PartitionUpdate(partitionKey: partition(number),
                        rows: [row(number, clustering: clustering, timestamp: timestamp, valueBytes: valueBytes)])
    }

    /// Every live row of a scan as (partition, row).
    static func scan(_ table: LSMTable, _ range: ScanRange = .all) throws -> [(partition: [UInt8], row: Row)] {
        let scanner = try table.scan(range)
        var result: [(partition: [UInt8], row: Row)] = []
        while try scanner.next() { result.append((scanner.partitionKey, try scanner.row())) }
        return result
    }

    /// Scan results in a comparable form.
    static func flat(_ rows: [(partition: [UInt8], row: Row)]) -> [[UInt8]: Row] {
        var result: [[UInt8]: Row] = [:]
        for (partition, row) in rows { result[RowKey.encode(partition: partition, clustering: row.clustering)] = row }
        return result
    }
}

extension StoreError {
    var isInvalidArgument: Bool { if case .invalidArgument = self { true } else { false } }
    var isFailed: Bool { if case .failed = self { true } else { false } }
    var isClosed: Bool { if case .closed = self { true } else { false } }
}

/// Store lifecycle and table management.
@Suite struct LSMStoreTests {
    static let tableA = TableID(high: 0xA, low: 1)
    static let tableB = TableID(high: 0xB, low: 2)

    private static func expectStoreError(_ check: (StoreError) -> Bool, _ description: String,
                                         sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(description), nothing thrown", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(check(error), "expected \(description), got \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(description), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func createTableWithBadOptionsThrowsInvalidArgument() throws {
        let harness = try EngineTestHarness()
        var bad: [TableOptions] = []
        func with(_ change: (inout TableOptions) -> Void) { var options = TableOptions(); change(&options); bad.append(options) }
        with { $0.sstable.blockSizeBytes = 100 }
        with { $0.sstable.blockSizeBytes = 17 << 20 }
        with { $0.sstable.restartInterval = 0 }
        with { $0.sstable.bloomBitsPerKey = 33 }
        with { $0.sstable.bloomBitsPerKey = -1 }
        with { $0.gcGraceSeconds = -1 }
        with { $0.compaction = .sizeTiered(minThreshold: 1) }
        with { $0.compaction = .sizeTiered(minThreshold: 5, maxThreshold: 4) }
        with { $0.compaction = .sizeTiered(bucketLow: 0) }
        with { $0.compaction = .sizeTiered(bucketHigh: 0.9) }
        with { $0.compaction = .leveled(targetFileSizeBytes: 1 << 10) }
        with { $0.compaction = .leveled(targetFileSizeBytes: 8 << 20, levelOneSizeBytes: 4 << 20) }
        with { $0.compaction = .leveled(fanout: 1) }
        with { $0.compaction = .leveled(levelZeroTrigger: 0) }
        for (index, options) in bad.enumerated() {
            let id = TableID(high: 1, low: UInt64(index))
            Self.expectStoreError(\.isInvalidArgument, "invalidArgument for options \(index)") {
                try harness.store.createTable(id, options: options)
            }
            #expect(harness.store.table(id) == nil)
        }
        #expect(harness.store.tableIDs.isEmpty)
        // The store is still usable, and nothing bad was persisted.
        try harness.store.createTable(Self.tableA)
        try harness.reopen()
        #expect(harness.store.tableIDs == [Self.tableA])
    }

    @Test func duplicateTableIDThrows() throws {
        let harness = try EngineTestHarness()
        let first = try harness.store.createTable(Self.tableA)
        try first.apply(EngineRows.update(1))
        Self.expectStoreError(\.isInvalidArgument, "invalidArgument") { try harness.store.createTable(Self.tableA) }
        try harness.reopen()
        Self.expectStoreError(\.isInvalidArgument, "invalidArgument after reopen") {
            try harness.store.createTable(Self.tableA, options: TableOptions(gcGraceSeconds: 5))
        }
        #expect(try harness.table(Self.tableA).read(partition: EngineRows.partition(1), clustering: []) == EngineRows.row(1))
    }

    @Test func tablesAndTheirOptionsSurviveReopen() throws {
        let harness = try EngineTestHarness()
        let leveled = TableOptions(compaction: .leveled(targetFileSizeBytes: 64 << 10, levelOneSizeBytes: 256 << 10),
                                   gcGraceSeconds: 60)
        try harness.store.createTable(Self.tableA)
        try harness.store.createTable(Self.tableB, options: leveled)
        try harness.reopen()
        #expect(Set(harness.store.tableIDs) == [Self.tableA, Self.tableB])
        #expect(try harness.table(Self.tableA).options == TableOptions())
        #expect(try harness.table(Self.tableB).options == leveled)
        try harness.crashAndReopen()
        #expect(try harness.table(Self.tableB).options == leveled, "createTable is durable")
    }

    @Test func reopenAfterCloseKeepsEverything() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.tableA)
        for number in 0..<200 { try table.apply(EngineRows.update(number)) }
        try table.flush()
        for number in 200..<300 { try table.apply(EngineRows.update(number)) }
        try table.apply(PartitionUpdate(partitionKey: EngineRows.partition(5), partitionDeletion: DeletionTime(timestamp: 2, localSeconds: 0)))
        let before = EngineRows.flat(try EngineRows.scan(table))
        #expect(before.count == 299)
        try harness.reopen()
        let reopened = try harness.table(Self.tableA)
        #expect(EngineRows.flat(try EngineRows.scan(reopened)) == before)
        #expect(try reopened.read(partition: EngineRows.partition(5), clustering: []) == nil)
        #expect(try reopened.read(partition: EngineRows.partition(250), clustering: []) == EngineRows.row(250))
        try harness.reopen()
        #expect(EngineRows.flat(try EngineRows.scan(try harness.table(Self.tableA))) == before)
    }

    @Test func batchSyncKeepsEveryAcknowledgedWriteThroughPowerLoss() throws {
        let harness = try EngineTestHarness(options: EngineTestHarness.options(memtableSizeBytes: 16 << 10, segmentSizeBytes: 8 << 10))
        let table = try harness.store.createTable(Self.tableA)
        for number in 0..<600 { try table.apply(EngineRows.update(number, valueBytes: 60)) }
        try harness.crashAndReopen(unsynced: .dropAll)
        let recovered = try harness.table(Self.tableA)
        for number in 0..<600 {
            #expect(try recovered.read(partition: EngineRows.partition(number), clustering: []) == EngineRows.row(number, valueBytes: 60))
        }
        // Again, with torn unsynced tails, after more writes.
        for number in 600..<700 { try recovered.apply(EngineRows.update(number)) }
        try harness.crashAndReopen(unsynced: .keepRandomPrefix(SeededRandomSource(seed: 3)))
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).count == 700)
    }

    @Test func twoTablesShareOneCommitLogAndReplayIndependently() throws {
        let harness = try EngineTestHarness()
        let a = try harness.store.createTable(Self.tableA)
        let b = try harness.store.createTable(Self.tableB)
        for number in 0..<100 {
            try a.apply(EngineRows.update(number, clustering: [0xA]))
            try b.apply(EngineRows.update(number, clustering: [0xB]))
        }
        try harness.crashAndReopen()
        let scanA = try EngineRows.scan(try harness.table(Self.tableA))
        let scanB = try EngineRows.scan(try harness.table(Self.tableB))
        #expect(scanA.count == 100 && scanA.allSatisfy { $0.row.clustering == [0xA] })
        #expect(scanB.count == 100 && scanB.allSatisfy { $0.row.clustering == [0xB] })
        // Flush only A, write more to both, crash: A replays only what it had not flushed.
        try harness.table(Self.tableA).flush()
        for number in 100..<150 {
            try harness.table(Self.tableA).apply(EngineRows.update(number, clustering: [0xA]))
            try harness.table(Self.tableB).apply(EngineRows.update(number, clustering: [0xB]))
        }
        try harness.crashAndReopen()
        let afterA = try EngineRows.scan(try harness.table(Self.tableA))
        let afterB = try EngineRows.scan(try harness.table(Self.tableB))
        #expect(afterA.count == 150 && afterA.allSatisfy { $0.row.clustering == [0xA] })
        #expect(afterB.count == 150 && afterB.allSatisfy { $0.row.clustering == [0xB] })
    }

    /// The memtables of all tables share `memtableSpaceBytes`: past it the largest is
    /// flushed, though it is far below its own limit, and the small one is left alone.
    @Test(arguments: [true, false])
    func theLargestMemtableIsFlushedWhenTheStoreRunsOutOfMemtableSpace(spaceIsShort: Bool) throws {
        var options = EngineTestHarness.options(memtableSizeBytes: 4 << 20)
        options.memtableSpaceBytes = spaceIsShort ? 256 << 10 : 1 << 30
        let harness = try EngineTestHarness(options: options)
        let small = try harness.store.createTable(Self.tableA)
        let large = try harness.store.createTable(Self.tableB)
        try small.apply(EngineRows.update(0))
        for number in 0..<3000 { try large.apply(EngineRows.update(number, valueBytes: 200)) }
        let flushed = EngineTestHarness.eventually(timeoutSeconds: spaceIsShort ? 10 : 0.5) {
            !harness.sstableNames(of: Self.tableB).isEmpty
        }
        #expect(flushed == spaceIsShort, "the large table flushed only when memtable space ran short")
        #expect(harness.sstableNames(of: Self.tableA).isEmpty, "the small table keeps its memtable")
        #expect(large.mutableMemTableBytes < 4 << 20, "the large table never reached its own limit")
        if spaceIsShort {
            // Within a 64th of the table limit (a shard's growth between two checks) once checked.
            #expect(EngineTestHarness.eventually {
                small.mutableMemTableBytes + large.mutableMemTableBytes <= options.memtableSpaceBytes + (64 << 10)
            })
        }
        #expect(try EngineRows.scan(large).count == 3000)
        #expect(try EngineRows.scan(small).count == 1)
    }

    @Test func commitLogSegmentsAreDeletedAfterFlushes() throws {
        let harness = try EngineTestHarness(options: EngineTestHarness.options(segmentSizeBytes: 4 << 10))
        let a = try harness.store.createTable(Self.tableA)
        let b = try harness.store.createTable(Self.tableB)
        try b.apply(EngineRows.update(0))  // B holds the oldest segment until it flushes
        for number in 0..<300 { try a.apply(EngineRows.update(number, valueBytes: 100)) }
        let written = harness.commitLogSegmentNames().count
        #expect(written > 5)
        try a.flush()
        usleep(50_000)
        #expect(harness.commitLogSegmentNames().count >= written, "table B still needs the first segment")
        try b.flush()
        #expect(EngineTestHarness.eventually { harness.commitLogSegmentNames().count <= 2 },
                "segments left: \(harness.commitLogSegmentNames())")
        // The data is all in SSTables now.
        try harness.crashAndReopen()
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).count == 300)
        #expect(try EngineRows.scan(try harness.table(Self.tableB)).count == 1)
    }

    @Test func dropTableRemovesItsFilesAndNeverReplaysIt() throws {
        let harness = try EngineTestHarness()
        do {
            let a = try harness.store.createTable(Self.tableA)
            let b = try harness.store.createTable(Self.tableB)
            for number in 0..<50 {
                try a.apply(EngineRows.update(number))
                try b.apply(EngineRows.update(number))
            }
            try a.flush()
            try b.flush()
            try a.apply(EngineRows.update(99))  // only in the commit log
            #expect(harness.sstableNames(of: Self.tableA).count == 1)
            try harness.store.dropTable(Self.tableA)
            #expect(harness.store.table(Self.tableA) == nil)
            #expect(harness.store.tableIDs == [Self.tableB])
            Self.expectStoreError(\.isClosed, "closed") { try a.apply(EngineRows.update(1)) }
            Self.expectStoreError(\.isInvalidArgument, "invalidArgument") { try harness.store.dropTable(Self.tableA) }
        }
        // Once nothing refers to the dropped table, its files go.
        #expect(EngineTestHarness.eventually { harness.sstableNames(of: Self.tableA).isEmpty },
                "left: \(harness.sstableNames(of: Self.tableA))")
        try harness.crashAndReopen()
        #expect(harness.store.tableIDs == [Self.tableB], "the commit log does not bring it back")
        #expect(harness.sstableNames(of: Self.tableA).isEmpty)
        #expect(try EngineRows.scan(try harness.table(Self.tableB)).count == 50)
        // A table created again under the same id starts empty, even after replay.
        let again = try harness.store.createTable(Self.tableA)
        try again.apply(EngineRows.update(7))
        try harness.crashAndReopen()
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).map(\.partition) == [EngineRows.partition(7)])
    }

    @Test func droppedTableFilesAreRemovedAtReopenEvenIfStillReferenced() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.tableA)
        for number in 0..<20 { try table.apply(EngineRows.update(number)) }
        try table.flush()
        let scanner = try table.scan()  // holds the SSTable
        try harness.store.dropTable(Self.tableA)
        #expect(try scanner.next(), "a scan begun before the drop still reads its snapshot")
        try harness.reopen()
        #expect(harness.sstableNames(of: Self.tableA).isEmpty)
        #expect(harness.store.tableIDs.isEmpty)
        withExtendedLifetime(table) {}
    }

    @Test func truncateEmptiesTheTableAndSurvivesReopenAndReplay() throws {
        let harness = try EngineTestHarness()
        let a = try harness.store.createTable(Self.tableA)
        let b = try harness.store.createTable(Self.tableB)
        for number in 0..<100 {
            try a.apply(EngineRows.update(number))
            try b.apply(EngineRows.update(number))
        }
        try a.flush()
        for number in 100..<150 { try a.apply(EngineRows.update(number)) }  // in the memtable and log only
        try harness.store.truncateTable(Self.tableA)
        #expect(try EngineRows.scan(a).isEmpty)
        #expect(try a.read(partition: EngineRows.partition(120), clustering: []) == nil)
        #expect(try a.read(partition: EngineRows.partition(5), clustering: []) == nil)
        #expect(EngineTestHarness.eventually { harness.sstableNames(of: Self.tableA).isEmpty })
        try a.apply(EngineRows.update(1_000))
        // Neither a clean reopen nor a replay after power loss brings truncated rows back.
        try harness.reopen()
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).map(\.partition) == [EngineRows.partition(1_000)])
        try harness.table(Self.tableA).apply(EngineRows.update(1_001))
        try harness.crashAndReopen()
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).map(\.partition)
                == [EngineRows.partition(1_000), EngineRows.partition(1_001)])
        #expect(try EngineRows.scan(try harness.table(Self.tableB)).count == 100, "the other table is untouched")
        Self.expectStoreError(\.isInvalidArgument, "invalidArgument") { try harness.store.truncateTable(TableID(high: 9, low: 9)) }
    }

    @Test func truncateWithoutFlushIsNotUndoneByReplay() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.tableA)
        for number in 0..<30 { try table.apply(EngineRows.update(number)) }
        try harness.store.truncateTable(Self.tableA)
        try harness.crashAndReopen()
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).isEmpty)
    }

    @Test func aFailedCommitLogSyncFailsTheWriteAndLaterWrites() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.tableA)
        try table.apply(EngineRows.update(1))
        harness.fileSystem.failSyncs(ofPathsContaining: "commitlog")
        #expect(throws: StoreError.self) { try table.apply(EngineRows.update(2)) }
        #expect(try table.read(partition: EngineRows.partition(2), clustering: []) == nil, "a failed write is not visible")
        harness.fileSystem.clearFaults()
        Self.expectStoreError(\.isFailed, "failed") { try table.apply(EngineRows.update(3)) }
        Self.expectStoreError(\.isFailed, "failed") { try harness.store.syncCommitLog() }
        // Reopening recovers every acknowledged write.
        try harness.crashAndReopen()
        #expect(try harness.table(Self.tableA).read(partition: EngineRows.partition(1), clustering: []) == EngineRows.row(1))
        try harness.table(Self.tableA).apply(EngineRows.update(4))
    }

    @Test func aFlushBacklogSlowsWritesButNeverFailsThem() throws {
        let harness = try EngineTestHarness(options: EngineTestHarness.options(memtableSizeBytes: 4 << 10, maxFlushBacklog: 1))
        let table = try harness.store.createTable(Self.tableA, options: TableOptions(compaction: .sizeTiered(minThreshold: 4)))
        for number in 0..<1_500 { try table.apply(EngineRows.update(number, valueBytes: 40)) }
        #expect(table.version.immutables.count <= 1)
        #expect(try EngineRows.scan(table).count == 1_500)
        try harness.reopen()
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).count == 1_500)
    }

    @Test func closedStoreRefusesCalls() throws {
        let harness = try EngineTestHarness()
        try harness.store.createTable(Self.tableA)
        try harness.store.close()
        try harness.store.close()  // idempotent
        Self.expectStoreError(\.isClosed, "closed") { try harness.store.createTable(Self.tableB) }
        Self.expectStoreError(\.isClosed, "closed") { try harness.store.dropTable(Self.tableA) }
        try harness.reopen()
        #expect(harness.store.tableIDs == [Self.tableA])
    }

    @Test func openRefusesAManifestlessDirectoryWithSSTables() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(Self.tableA)
        try table.apply(EngineRows.update(1))
        try table.flush()
        try harness.store.close()
        try harness.fileSystem.removeFile("/db/MANIFEST")
        #expect(throws: StoreError.self) {
            try LSMStore.open(directory: "/db", options: harness.options, fileSystem: harness.fileSystem, clock: harness.clock)
        }
    }

    // MARK: Races with background work, replayed with a gate

    /// A flush already writing its SSTable when the table is truncated must not bring the
    /// truncated rows back when it installs the file.
    @Test func truncateDuringAnInFlightFlushKeepsTheTableEmpty() throws {
        let harness = try EngineTestHarness(gated: true)
        let gate = try #require(harness.gate)
        let table = try harness.store.createTable(Self.tableA)
        for number in 0..<20 { try table.apply(EngineRows.update(number)) }
        gate.close(.sync, pathsContaining: "\(Self.tableA)-")
        let flush = BackgroundCall { try table.flush() }
        #expect(gate.waitUntilSomethingIsHeld(), "the flush reached its SSTable fsync")
        try harness.store.truncateTable(Self.tableA)
        #expect(try EngineRows.scan(table).isEmpty)
        gate.open()
        #expect(flush.wait(timeoutSeconds: 30))
        // flush() may return before the worker finishes; give the worker time to install.
        _ = EngineTestHarness.eventually(timeoutSeconds: 1) { !table.version.allSSTables.isEmpty }
        #expect(try EngineRows.scan(table).isEmpty, "truncated rows came back with the in-flight flush")
        try harness.reopen()
        #expect(try EngineRows.scan(try harness.table(Self.tableA)).isEmpty, "truncated rows came back after reopen")
    }

    /// A `flush()` waiting for the flush worker when its table is dropped must return
    /// (or throw), not wait forever for a flush the worker will skip.
    @Test func aFlushWaitingWhenItsTableIsDroppedReturns() throws {
        let harness = try EngineTestHarness(gated: true)
        let gate = try #require(harness.gate)
        let a = try harness.store.createTable(Self.tableA)
        let b = try harness.store.createTable(Self.tableB)
        try a.apply(EngineRows.update(1))
        try b.apply(EngineRows.update(2))
        // Keep the single flush worker busy with B, so that A's flush waits in the queue.
        gate.close(.sync, pathsContaining: "\(Self.tableB)-")
        let flushB = BackgroundCall { try b.flush() }
        #expect(gate.waitUntilSomethingIsHeld())
        let flushA = BackgroundCall { try a.flush() }
        #expect(EngineTestHarness.eventually(timeoutSeconds: 30) { a.version.immutables.count == 1 })
        try harness.store.dropTable(Self.tableA)
        gate.open()
        #expect(flushB.wait(timeoutSeconds: 30))
        #expect(flushA.wait(timeoutSeconds: 30), "flush() of a dropped table hangs")
    }

    /// A writer held back by the flush backlog when its table is dropped must return (or
    /// throw `.closed`), not wait forever.
    @Test func aWriterWaitingOnTheFlushBacklogWhenItsTableIsDroppedReturns() throws {
        let harness = try EngineTestHarness(options: EngineTestHarness.options(memtableSizeBytes: 2 << 10, maxFlushBacklog: 1),
                                            gated: true)
        let gate = try #require(harness.gate)
        let a = try harness.store.createTable(Self.tableA)
        let b = try harness.store.createTable(Self.tableB)
        try b.apply(EngineRows.update(0))
        gate.close(.sync, pathsContaining: "\(Self.tableB)-")
        let flushB = BackgroundCall { try b.flush() }
        #expect(gate.waitUntilSomethingIsHeld())
        var number = 0
        while a.version.immutables.isEmpty && number < 1_000 {
            try a.apply(EngineRows.update(number, valueBytes: 100))
            number += 1
        }
        #expect(a.version.immutables.count == 1, "A's memtable was switched out and its flush queued behind B's")
        let writer = BackgroundCall { try a.apply(EngineRows.update(5_000)) }
        #expect(!writer.wait(timeoutSeconds: 0.1), "the writer waits for the backlog")
        try harness.store.dropTable(Self.tableA)
        gate.open()
        #expect(flushB.wait(timeoutSeconds: 30))
        #expect(writer.wait(timeoutSeconds: 30), "a write to a dropped table hangs on the flush backlog")
    }

    /// A background compaction that finds its table dropped must not stop the whole store.
    @Test func droppingATableWhileItCompactsDoesNotFailTheStore() throws {
        let harness = try EngineTestHarness(gated: true)
        let gate = try #require(harness.gate)
        let a = try harness.store.createTable(Self.tableA, options: TableOptions(compaction: .sizeTiered(minThreshold: 4, maxThreshold: 4)))
        let b = try harness.store.createTable(Self.tableB)
        // Hold the first compaction of A as it reads its first input, while A gets 8 files.
        gate.close(.readOfFirstBlock, pathsContaining: "\(Self.tableA)-")
        for batch in 0..<8 {
            try a.apply(EngineRows.update(batch))
            try a.flush()
        }
        #expect(gate.waitUntilSomethingIsHeld(), "a compaction of A started")
        try harness.store.dropTable(Self.tableA)
        gate.open()
        // The held compaction completes; the worker then finds more work for A.
        _ = EngineTestHarness.eventually(timeoutSeconds: 30) { a.version.allSSTables.count < 8 }
        usleep(200_000)
        #expect(!harness.store.context.hasFailed, "the store failed: \(String(describing: try? harness.store.context.checkHealthy()))")
        try b.apply(EngineRows.update(1))
        try harness.store.createTable(TableID(high: 0xC, low: 3))
    }

    /// Files a flush or compaction of a dropped table writes after the drop are deleted
    /// too (not only at the next open).
    @Test func aFlushInFlightWhenItsTableIsDroppedLeavesNoFile() throws {
        let harness = try EngineTestHarness(gated: true)
        let gate = try #require(harness.gate)
        do {
            let table = try harness.store.createTable(Self.tableA)
            for number in 0..<20 { try table.apply(EngineRows.update(number)) }
            gate.close(.sync, pathsContaining: "\(Self.tableA)-")
            let flush = BackgroundCall { try table.flush() }
            #expect(gate.waitUntilSomethingIsHeld())
            try harness.store.dropTable(Self.tableA)
            gate.open()
            #expect(flush.wait(timeoutSeconds: 30))
        }
        #expect(EngineTestHarness.eventually(timeoutSeconds: 30) { harness.sstableNames(of: Self.tableA).isEmpty },
                "left behind: \(harness.sstableNames(of: Self.tableA))")
    }
}
