#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// An in-memory file system that models what survives a power failure, and injects faults.
///
/// It keeps two views: what a running process sees, and what is durable. File contents
/// become durable on `WritableFile.sync()`; directory entries (creation, rename, removal)
/// on `syncDirectory` of their parent. `crash(...)` replaces the visible state with the
/// durable one, optionally keeping a random prefix of each file's unsynced tail, and makes
/// every open handle fail. Thread-safe.
public final class SimulatedFileSystem: FileSystem {
    /// A file's contents as the process sees them and as they are durable. Each view is its
    /// bytes followed by zeros up to its size: a preallocated file (`createMapped`) stores only
    /// what was written into it.
    struct Inode {
        var data: [UInt8] = []
        var synced: [UInt8] = []
        /// The visible size, at least `data.count`.
        var sizeBytes = 0
        /// The durable size, at least `synced.count`.
        var syncedSizeBytes = 0

        /// The visible bytes with the zeros up to `sizeBytes` made explicit.
        var contents: [UInt8] { data + [UInt8](repeating: 0, count: sizeBytes - data.count) }

        /// Writes `bytes` at `offset` of the visible view, growing it as needed.
        mutating func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
            if data.count < offset { data.append(contentsOf: repeatElement(0, count: offset - data.count)) }
            let overlap = min(bytes.count, data.count - offset)
            data.replaceSubrange(offset..<(offset + overlap), with: bytes[..<overlap])
            data.append(contentsOf: bytes[overlap...])
            sizeBytes = max(sizeBytes, data.count)
        }

        /// Makes the visible view durable.
        mutating func sync() {
            synced = data
            syncedSizeBytes = sizeBytes
        }

        /// Cuts both views to `size` bytes (zero-extended if longer), durably.
        mutating func truncate(toSize size: Int) {
            data = Array(data.prefix(size))
            sizeBytes = size
            sync()
        }

        /// What survives a power loss: the durable view, plus (if `random` is given) a random
        /// prefix of the bytes written past it, as a disk writing back appended data in order
        /// and losing power midway would leave. The durable size stays (a preallocated file
        /// keeps its zeros after the surviving bytes).
        func survivor(random: (any RandomSource)?) -> Inode {
            var kept = Inode(data: synced, synced: synced, sizeBytes: syncedSizeBytes, syncedSizeBytes: syncedSizeBytes)
            guard let random, data.count > synced.count, data.starts(with: synced) else { return kept }
            let tail = data.count - synced.count
            kept.data = Array(data[..<(synced.count + random.next(in: 0..<(tail + 1)))])
            kept.sizeBytes = max(syncedSizeBytes, kept.data.count)
            kept.sync()
            return kept
        }
    }

    struct State {
        var inodes: [Int: Inode] = [:]
        var nextInode = 1
        var entries: [String: Int] = [:]
        var durableEntries: [String: Int] = [:]
        var directories: Set<String> = ["/"]
        var generation = 0
        var failSyncPathsContaining: [String] = []
        var failPreallocationPathsContaining: [String] = []
        var syncCount = 0
    }

    /// What a crash keeps of data that was written but not synced.
    public enum UnsyncedData: Sendable {
        /// Everything not synced is lost.
        case dropAll
        /// Each file keeps a random prefix of its unsynced tail (a torn write), chosen by `random`.
        case keepRandomPrefix(any RandomSource)
    }

    let state = Mutex(State())

    public init() {}

    /// Simulates power loss: unsynced data and directory changes are lost as `unsynced` says,
    /// and handles opened before the crash fail from now on.
    public func crash(unsynced: UnsyncedData = .dropAll) {
        state.withLock { state in
            state.entries = state.durableEntries
            let live = Set(state.entries.values)
            state.inodes = state.inodes.filter { live.contains($0.key) }
            var random: (any RandomSource)?
            if case .keepRandomPrefix(let source) = unsynced { random = source }
            for (id, inode) in state.inodes { state.inodes[id] = inode.survivor(random: random) }
            state.generation += 1
        }
    }

    /// Simulates a crash of the process (kill -9), not of the machine: every byte written
    /// stays, as it would in the page cache, but handles opened before fail from now on.
    public func crashProcess() {
        state.withLock { $0.generation += 1 }
    }

    /// From now on, `createMapped` of paths containing `fragment` fails as on a full disk.
    public func failPreallocations(ofPathsContaining fragment: String) {
        state.withLock { $0.failPreallocationPathsContaining.append(fragment) }
    }

    /// From now on, `sync()` of files whose path contains `fragment` fails.
    public func failSyncs(ofPathsContaining fragment: String) {
        state.withLock { $0.failSyncPathsContaining.append(fragment) }
    }

    /// Stops failing syncs.
    public func clearFaults() {
        state.withLock { state in
            state.failSyncPathsContaining = []
            state.failPreallocationPathsContaining = []
        }
    }

    /// How many file syncs have succeeded so far.
    public var syncCount: Int { state.withLock { $0.syncCount } }

    /// Overwrites one byte of a file, visibly and durably (to simulate bit rot).
    public func corrupt(_ path: String, at offset: Int, xor mask: UInt8) throws(FileSystemError) {
        try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            guard offset < state.inodes[id]!.sizeBytes else {
                throw .shortRead(path: path, offset: offset, expected: 1, got: 0)
            }
            var inode = state.inodes[id]!
            inode.data = inode.contents
            inode.data[offset] ^= mask
            if offset < inode.syncedSizeBytes {
                inode.synced += [UInt8](repeating: 0, count: inode.syncedSizeBytes - inode.synced.count)
                inode.synced[offset] ^= mask
            }
            state.inodes[id] = inode
        }
    }

    /// The visible contents of a file (for tests).
    public func contents(of path: String) throws(FileSystemError) -> [UInt8] {
        try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            return state.inodes[id]!.contents
        }
    }

    // MARK: FileSystem

    public func openForAppend(_ path: String, truncate: Bool) throws(FileSystemError) -> any WritableFile {
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            let id = try Self.openInode(path, truncate: truncate, in: &state)
            return SimulatedWritableFile(fileSystem: self, inode: id, path: path, generation: state.generation,
                                         size: state.inodes[id]!.sizeBytes)
        }
    }

    public func createMapped(_ path: String, capacityBytes: Int) throws(FileSystemError) -> any MappedFile {
        precondition(capacityBytes > 0, "a mapping needs at least one byte")
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            let id = try Self.openInode(path, truncate: true, in: &state)
            // Like open(O_CREAT | O_TRUNC) then a failed posix_fallocate: an empty file stays.
            if state.failPreallocationPathsContaining.contains(where: { path.contains($0) }) {
                throw .io(operation: "posix_fallocate of \(capacityBytes) bytes for", path: path, errno: ENOSPC)
            }
            state.inodes[id]!.sizeBytes = capacityBytes
            return SimulatedMappedFile(fileSystem: self, inode: id, path: path, generation: state.generation,
                                       capacityBytes: capacityBytes)
        }
    }

    /// The inode at `path`, created if missing, emptied if `truncate`.
    private static func openInode(_ path: String, truncate: Bool, in state: inout State) throws(FileSystemError) -> Int {
        guard state.directories.contains(parent(of: path)) else { throw .notFound(path: path) }
        if let existing = state.entries[path] {
            if truncate {
                state.inodes[existing]!.data = []
                state.inodes[existing]!.sizeBytes = 0
            }
            return existing
        }
        let id = state.nextInode
        state.nextInode += 1
        state.inodes[id] = Inode()
        state.entries[path] = id
        return id
    }

    public func openForReading(_ path: String) throws(FileSystemError) -> any ReadableFile {
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            return SimulatedReadableFile(fileSystem: self, inode: id, path: path, generation: state.generation,
                                         size: state.inodes[id]!.sizeBytes)
        }
    }

    public func exists(_ path: String) -> Bool {
        let path = Self.normalize(path)
        return state.withLock { $0.entries[path] != nil || $0.directories.contains(path) }
    }

    public func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            guard state.directories.contains(path) else { throw .notFound(path: path) }
            let files = state.entries.keys.filter { Self.parent(of: $0) == path }
            let subdirectories = state.directories.filter { $0 != path && Self.parent(of: $0) == path }
            return (files + subdirectories).map { Self.name(of: $0) }
        }
    }

    public func createDirectory(_ path: String) throws(FileSystemError) {
        let path = Self.normalize(path)
        state.withLock { state in
            var current = path
            while current != "/" {
                state.directories.insert(current)
                current = Self.parent(of: current)
            }
        }
    }

    public func removeFile(_ path: String) throws(FileSystemError) {
        let path = Self.normalize(path)
        try state.withLock { state throws(FileSystemError) in
            guard state.entries.removeValue(forKey: path) != nil else { throw .notFound(path: path) }
        }
    }

    public func rename(_ source: String, to destination: String) throws(FileSystemError) {
        let source = Self.normalize(source), destination = Self.normalize(destination)
        try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries.removeValue(forKey: source) else { throw .notFound(path: source) }
            state.entries[destination] = id
        }
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        let path = Self.normalize(path)
        try state.withLock { state throws(FileSystemError) in
            guard state.directories.contains(path) else { throw .notFound(path: path) }
            for key in state.durableEntries.keys where Self.parent(of: key) == path {
                state.durableEntries[key] = nil
            }
            for (key, id) in state.entries where Self.parent(of: key) == path {
                state.durableEntries[key] = id
            }
        }
    }

    public func truncate(_ path: String, toSize size: Int) throws(FileSystemError) {
        let path = Self.normalize(path)
        try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            state.inodes[id]!.truncate(toSize: size)
        }
    }

    public func fileSize(_ path: String) throws(FileSystemError) -> Int {
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            return state.inodes[id]!.sizeBytes
        }
    }

    // MARK: Paths

    static func normalize(_ path: String) -> String {
        let parts = path.split(separator: "/")
        return "/" + parts.joined(separator: "/")
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// A handle for appending to a simulated file.
final class SimulatedWritableFile: WritableFile, @unchecked Sendable {
    // `size` is owned by the single writer (WritableFile's contract); the rest is immutable.
    private let fileSystem: SimulatedFileSystem
    private let inode: Int
    private let path: String
    private let generation: Int
    private(set) var size: Int

    init(fileSystem: SimulatedFileSystem, inode: Int, path: String, generation: Int, size: Int) {
        self.fileSystem = fileSystem
        self.inode = inode
        self.path = path
        self.generation = generation
        self.size = size
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        try fileSystem.state.withLock { state throws(FileSystemError) in
            guard state.generation == generation, state.inodes[inode] != nil else {
                throw .injected(operation: "write", path: path)
            }
            state.inodes[inode]!.write(bytes, at: state.inodes[inode]!.sizeBytes)
        }
        size += bytes.count
    }

    func sync() throws(FileSystemError) {
        try fileSystem.state.withLock { state throws(FileSystemError) in
            guard state.generation == generation, state.inodes[inode] != nil else {
                throw .injected(operation: "fsync", path: path)
            }
            if state.failSyncPathsContaining.contains(where: { path.contains($0) }) {
                throw .injected(operation: "fsync", path: path)
            }
            state.inodes[inode]!.sync()
            state.syncCount += 1
        }
    }

    func close() throws(FileSystemError) {}
}

/// A handle for reading a simulated file.
final class SimulatedReadableFile: ReadableFile {
    private let fileSystem: SimulatedFileSystem
    private let inode: Int
    private let path: String
    private let generation: Int
    let size: Int

    init(fileSystem: SimulatedFileSystem, inode: Int, path: String, generation: Int, size: Int) {
        self.fileSystem = fileSystem
        self.inode = inode
        self.path = path
        self.generation = generation
        self.size = size
    }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        try fileSystem.state.withLock { state throws(FileSystemError) in
            guard state.generation == generation, let inode = state.inodes[inode] else {
                throw .injected(operation: "read", path: path)
            }
            guard offset < inode.sizeBytes else { return 0 }
            let count = min(buffer.count, inode.sizeBytes - offset)
            let stored = max(0, min(count, inode.data.count - offset))
            inode.data.withUnsafeBytes { source in
                if stored > 0 { buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: stored) }
            }
            UnsafeMutableRawBufferPointer(rebasing: buffer[stored..<count]).initializeMemory(as: UInt8.self, repeating: 0)
            return count
        }
    }

    func close() {}
}
