import KVCore
import Synchronization

/// What every table of a store shares: the commit log, the block cache, file numbering,
/// the manifest and the background workers. Owned by `LSMStore`.
final class StoreContext: Sendable {
    let directory: String
    let dataDirectory: String
    let fileSystem: any FileSystem
    let clock: any Clock
    let options: StoreOptions
    let commitLog: CommitLog
    let blockCache: BlockCache
    let manifest: Mutex<Manifest>
    private let nextFileNumber: Atomic<UInt64>
    private let fatalError = Mutex<String?>(nil)
    let background: BackgroundWork

    init(directory: String, fileSystem: any FileSystem, clock: any Clock, options: StoreOptions,
         commitLog: CommitLog, manifest: Manifest) {
        self.directory = directory
        self.dataDirectory = joinPath(directory, "data")
        self.fileSystem = fileSystem
        self.clock = clock
        self.options = options
        self.commitLog = commitLog
        self.blockCache = BlockCache(capacityBytes: options.blockCacheSizeBytes)
        self.manifest = Mutex(manifest)
        self.nextFileNumber = Atomic(manifest.nextFileNumber)
        self.background = BackgroundWork()
    }

    /// A file number never used before in this store.
    func allocateFileNumber() -> UInt64 { nextFileNumber.add(1, ordering: .relaxed).oldValue }

    func sstablePath(table: TableID, fileNumber: UInt64) -> String {
        joinPath(dataDirectory, Self.sstableName(table: table, fileNumber: fileNumber))
    }

    static func sstableName(table: TableID, fileNumber: UInt64) -> String {
        "\(table)-\(fileNumber).sst"
    }

    /// Changes the manifest and makes the change durable before returning. A failure is
    /// fatal: the store can no longer tell what is on disk.
    func updateManifest(_ change: (inout Manifest) -> Void) throws {
        try checkHealthy()
        let result = manifest.withLock { manifest -> Result<Void, any Error> in
            var updated = manifest
            change(&updated)
            updated.nextFileNumber = nextFileNumber.load(ordering: .relaxed)
            do {
                try ManifestFile.write(updated, directory: directory, fileSystem: fileSystem)
            } catch {
                return .failure(error)
            }
            manifest = updated
            return .success(())
        }
        if case .failure(let error) = result {
            fail("writing the manifest failed: \(error)")
            throw error
        }
    }

    /// Stops the store after an error that leaves its state unknown (a failed fsync).
    func fail(_ reason: String) {
        fatalError.withLock { if $0 == nil { $0 = reason } }
        background.wakeAll()
    }

    /// Throws if the store has failed.
    func checkHealthy() throws {
        if let reason = fatalError.withLock({ $0 }) { throw StoreError.failed(reason: reason) }
    }

    var hasFailed: Bool { fatalError.withLock { $0 != nil } }
}

/// Reads and writes the `MANIFEST` file durably.
enum ManifestFile {
    static let name = "MANIFEST"

    static func write(_ manifest: Manifest, directory: String, fileSystem: any FileSystem) throws {
        let temporary = joinPath(directory, name + ".tmp")
        do {
            let file = try fileSystem.openForAppend(temporary, truncate: true)
            try file.append(manifest.encode())
            try file.sync()
            try file.close()
            try fileSystem.rename(temporary, to: joinPath(directory, name))
            try fileSystem.syncDirectory(directory)
        } catch {
            throw StoreError.io(error)
        }
    }

    /// The manifest in `directory`, or nil if there is none (a new store).
    static func read(directory: String, fileSystem: any FileSystem) throws -> Manifest? {
        let path = joinPath(directory, name)
        guard fileSystem.exists(path) else { return nil }
        do {
            let file = try fileSystem.openForReading(path)
            defer { file.close() }
            return try Manifest.decode(try file.readExactly(at: 0, count: file.size, path: path), path: path)
        } catch let error as StoreError {
            throw error
        } catch let error as FileSystemError {
            throw StoreError.io(error)
        } catch {
            throw StoreError.invalidArgument("\(error)")
        }
    }
}
