import KVCore
import Synchronization

/// One node's storage engine: many tables, each its own LSM tree, sharing one commit log,
/// one block cache and two background workers (flush, compaction).
///
/// Directory layout: `MANIFEST` (the live set), `commitlog/` (segments), `data/` (SSTables
/// named `<table id>-<file number>.sst`). Thread-safe.
public final class LSMStore: Sendable {
    let context: StoreContext
    private let tables: Mutex<[TableID: LSMTable]>
    private let isClosed = Atomic<Bool>(false)

    private init(context: StoreContext, tables: [TableID: LSMTable]) {
        self.context = context
        self.tables = Mutex(tables)
    }

    /// Opens the store in `directory` (creating it if new): reads the manifest, removes files
    /// a crash left behind, opens every SSTable, replays the commit log and starts the
    /// background workers. Refuses damaged files with `.corruption` naming file and offset.
    public static func open(directory: String, options: StoreOptions = StoreOptions(),
                            fileSystem: any FileSystem = PosixFileSystem(),
                            clock: any Clock = SystemClock()) throws -> LSMStore {
        let dataDirectory = joinPath(directory, "data")
        try wrap { try fileSystem.createDirectory(dataDirectory) }
        let manifest = try loadManifest(directory: directory, fileSystem: fileSystem)
        try removeOrphans(manifest: manifest, dataDirectory: dataDirectory, fileSystem: fileSystem)
        var replayed = CommitLogReplayTarget(manifest: manifest)
        let commitLog = try wrapValue {
            try CommitLog.open(directory: options.commitLogDirectory ?? joinPath(directory, "commitlog"), fileSystem: fileSystem,
                               options: options.commitLog) { position, payload in
                try replayed.apply(position: position, payload: payload)
            }
        }
        let context = StoreContext(directory: directory, fileSystem: fileSystem, clock: clock, options: options,
                                   commitLog: commitLog, manifest: manifest)
        var tables: [TableID: LSMTable] = [:]
        for entry in manifest.tables {
            let table = try openTable(entry, context: context)
            if let memTable = replayed.memTables[entry.id] { table.adoptReplayed(memTable) }
            tables[entry.id] = table
        }
        let store = LSMStore(context: context, tables: tables)
        context.background.start(tables: { [weak store] in store?.openTables ?? [] },
                                 memtableSpaceBytes: options.memtableSpaceBytes,
                                 afterFlush: { [weak store] in try? store?.discardObsoleteCommitLogSegments() })
        for table in tables.values { table.switchMemTable() }
        return store
    }

    private static func loadManifest(directory: String, fileSystem: any FileSystem) throws -> Manifest {
        if let manifest = try ManifestFile.read(directory: directory, fileSystem: fileSystem) { return manifest }
        let dataDirectory = joinPath(directory, "data")
        let existing = try wrapValue { try fileSystem.listDirectory(dataDirectory) }
        if existing.contains(where: { $0.hasSuffix(".sst") }) {
            throw StoreError.corruption(file: joinPath(directory, ManifestFile.name), offset: 0,
                              reason: "manifest missing although \(dataDirectory) holds SSTables")
        }
        let manifest = Manifest()
        try ManifestFile.write(manifest, directory: directory, fileSystem: fileSystem)
        return manifest
    }

    /// Deletes temporary files and SSTables the manifest does not list (a crash mid-flush
    /// or mid-compaction leaves them).
    private static func removeOrphans(manifest: Manifest, dataDirectory: String, fileSystem: any FileSystem) throws {
        var live = Set<String>()
        for table in manifest.tables {
            for file in table.files { live.insert(StoreContext.sstableName(table: table.id, fileNumber: file.fileNumber)) }
        }
        let names = try wrapValue { try fileSystem.listDirectory(dataDirectory) }
        for name in names where name.hasSuffix(".tmp") || (name.hasSuffix(".sst") && !live.contains(name)) {
            do {
                try fileSystem.removeFile(joinPath(dataDirectory, name))
            } catch .notFound {
                continue
            } catch {
                throw StoreError.io(error)
            }
        }
        for name in live where !names.contains(name) {
            throw StoreError.corruption(file: joinPath(dataDirectory, name), offset: 0, reason: "listed in the manifest but missing")
        }
    }

    private static func openTable(_ entry: Manifest.TableEntry, context: StoreContext) throws -> LSMTable {
        var levels: [[SSTableHandle]] = [[]]
        for file in entry.files {
            let path = context.sstablePath(table: entry.id, fileNumber: file.fileNumber)
            let reader = try SSTableReader.open(path: path, fileNumber: file.fileNumber, fileSystem: context.fileSystem,
                                                cache: context.blockCache)
            while levels.count <= file.level { levels.append([]) }
            levels[file.level].append(SSTableHandle(reader: reader, fileSystem: context.fileSystem))
        }
        for level in levels.indices.dropFirst() { levels[level].sort { compareBytes($0.firstKey, $1.firstKey) < 0 } }
        return LSMTable(id: entry.id, options: entry.options, context: context, levels: levels,
                        replayAfter: entry.replayAfter)
    }

    // MARK: Tables

    var openTables: [LSMTable] { tables.withLock { Array($0.values) } }

    /// Bytes of SSTables in every table's live set (what `nodetool status` calls load).
    public var liveDataSizeBytes: Int64 {
        openTables.reduce(0) { total, table in
            total + table.version.allSSTables.reduce(Int64(0)) { $0 + Int64($1.sizeBytes) }
        }
    }

    /// The ids of every table.
    public var tableIDs: [TableID] { tables.withLock { Array($0.keys) } }

    /// The table with this id, or nil.
    public func table(_ id: TableID) -> LSMTable? { tables.withLock { $0[id] } }

    /// Creates a table durably. Throws `.invalidArgument` if the id is taken.
    @discardableResult
    public func createTable(_ id: TableID, options: TableOptions = TableOptions()) throws -> LSMTable {
        try checkOpen()
        return try tables.withLock { tables throws -> LSMTable in
            guard tables[id] == nil else { throw StoreError.invalidArgument("table \(id) already exists") }
            try Self.validate(options)
            let position = context.commitLog.currentPosition
            try context.updateManifest { manifest in
                manifest.tables.append(Manifest.TableEntry(id: id, options: options, replayAfter: position, files: []))
            }
            let table = LSMTable(id: id, options: options, context: context, levels: LSMTable.emptyLevels,
                                 replayAfter: position)
            tables[id] = table
            return table
        }
    }

    private static func validate(_ options: TableOptions) throws {
        let sstable = options.sstable
        guard sstable.blockSizeBytes >= 256, sstable.blockSizeBytes <= 16 << 20 else {
            throw StoreError.invalidArgument("block size must be between 256 bytes and 16 MiB, got \(sstable.blockSizeBytes)")
        }
        guard sstable.restartInterval >= 1, sstable.bloomBitsPerKey >= 0, sstable.bloomBitsPerKey <= 32 else {
            throw StoreError.invalidArgument("restart interval must be >= 1 and bloom bits per key within 0...32")
        }
        guard options.gcGraceSeconds >= 0 else { throw StoreError.invalidArgument("gc_grace_seconds must be >= 0") }
        switch options.compaction {
        case let .sizeTiered(minThreshold, maxThreshold, bucketLow, bucketHigh):
            guard minThreshold >= 2, maxThreshold >= minThreshold, bucketLow > 0, bucketHigh >= 1 else {
                throw StoreError.invalidArgument("size-tiered compaction needs 2 <= min_threshold <= max_threshold and sane buckets")
            }
        case let .leveled(target, levelOne, fanout, trigger):
            guard target >= 4 << 10, levelOne >= target, fanout >= 2, trigger >= 1 else {
                throw StoreError.invalidArgument("leveled compaction needs target >= 4 KiB, level one >= target, fanout >= 2")
            }
        }
    }

    /// Removes a table and, once its last readers finish, its files. Its commit-log records
    /// are never replayed.
    public func dropTable(_ id: TableID) throws {
        try checkOpen()
        let table = try tables.withLock { tables throws -> LSMTable in
            guard let table = tables[id] else { throw StoreError.invalidArgument("no table \(id)") }
            try context.updateManifest { $0.tables.removeAll { $0.id == id } }
            tables[id] = nil
            return table
        }
        table.markDropped()
    }

    /// Removes every row of a table, durably.
    public func truncateTable(_ id: TableID) throws {
        try checkOpen()
        guard let table = table(id) else { throw StoreError.invalidArgument("no table \(id)") }
        try table.truncate()
        try? discardObsoleteCommitLogSegments()
    }

    // MARK: Lifecycle

    /// Forces an fsync of the commit log: every write acknowledged before the call is then
    /// durable whatever the sync mode.
    public func syncCommitLog() throws {
        try checkOpen()
        try context.commitLog.sync()
    }

    /// Flushes every memtable, stops the workers and closes the commit log. Idempotent.
    public func close() throws {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var firstError: (any Error)?
        if !context.hasFailed {
            for table in openTables {
                do { try table.flush() } catch { firstError = firstError ?? error }
            }
        }
        context.background.stop()
        do { try context.commitLog.close() } catch { firstError = firstError ?? error }
        if let firstError { throw firstError }
    }

    /// Stops the workers without flushing or closing anything, as if the process died
    /// (tests and the simulator use it before simulating a power loss). The store is
    /// unusable afterwards.
    public func stopAsIfKilled() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        context.fail("the store was stopped as if killed")
        context.background.stop()
    }

    private func checkOpen() throws {
        if isClosed.load(ordering: .acquiring) { throw StoreError.closed }
        try context.checkHealthy()
    }

    /// Deletes commit-log segments that no table needs any more.
    func discardObsoleteCommitLogSegments() throws {
        try context.discardObsoleteCommitLogSegments(tables: openTables)
    }
}

extension StoreContext {
    func discardObsoleteCommitLogSegments(tables: [LSMTable]) throws {
        var frontier = commitLog.currentPosition
        for table in tables { frontier = min(frontier, table.commitLogFrontier()) }
        try commitLog.discardSegments(before: frontier)
    }
}

/// Collects replayed commit-log records into one memtable per table, skipping records of
/// dropped tables and records already in SSTables.
struct CommitLogReplayTarget {
    private let replayAfter: [TableID: CommitLogPosition]
    private(set) var memTables: [TableID: MemTable] = [:]
    private var scratch: [UInt8] = []

    init(manifest: Manifest) {
        replayAfter = Dictionary(uniqueKeysWithValues: manifest.tables.map { ($0.id, $0.replayAfter) })
    }

    mutating func apply(position: CommitLogPosition, payload: UnsafeRawBufferPointer) throws {
        let decoded: (TableID, PartitionUpdate)
        do {
            decoded = try PartitionUpdateCodec.decode(payload)
        } catch {
            throw StoreError.corruption(file: "commit log segment \(position.segment)", offset: position.offset,
                                        reason: "record ending here passed its checksum but does not decode: \(error)")
        }
        let (table, update) = decoded
        guard let after = replayAfter[table], position > after else { return }
        let memTable = memTables[table] ?? MemTable()
        memTables[table] = memTable
        memTable.apply(update, payload: payload, scratch: &scratch)
    }
}
