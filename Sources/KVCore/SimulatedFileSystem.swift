import Synchronization

/// An in-memory file system that models what survives a power failure, and injects faults.
///
/// It keeps two views: what a running process sees, and what is durable. File contents
/// become durable on `WritableFile.sync()`; directory entries (creation, rename, removal)
/// on `syncDirectory` of their parent. `crash(...)` replaces the visible state with the
/// durable one, optionally keeping a random prefix of each file's unsynced tail, and makes
/// every open handle fail. Thread-safe.
public final class SimulatedFileSystem: FileSystem {
    struct Inode {
        var data: [UInt8] = []
        var synced: [UInt8] = []
    }

    struct State {
        var inodes: [Int: Inode] = [:]
        var nextInode = 1
        var entries: [String: Int] = [:]
        var durableEntries: [String: Int] = [:]
        var directories: Set<String> = ["/"]
        var generation = 0
        var failSyncPathsContaining: [String] = []
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
            for (id, inode) in state.inodes {
                var survivor = inode.synced
                if case .keepRandomPrefix(let random) = unsynced,
                   inode.data.count > inode.synced.count,
                   inode.data.starts(with: inode.synced) {
                    let tail = inode.data.count - inode.synced.count
                    survivor += inode.data[inode.synced.count..<(inode.synced.count + random.next(in: 0..<(tail + 1)))]
                }
                state.inodes[id] = Inode(data: survivor, synced: survivor)
            }
            state.generation += 1
        }
    }

    /// From now on, `sync()` of files whose path contains `fragment` fails.
    public func failSyncs(ofPathsContaining fragment: String) {
        state.withLock { $0.failSyncPathsContaining.append(fragment) }
    }

    /// Stops failing syncs.
    public func clearFaults() {
        state.withLock { $0.failSyncPathsContaining = [] }
    }

    /// How many file syncs have succeeded so far.
    public var syncCount: Int { state.withLock { $0.syncCount } }

    /// Overwrites one byte of a file, visibly and durably (to simulate bit rot).
    public func corrupt(_ path: String, at offset: Int, xor mask: UInt8) throws(FileSystemError) {
        try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            guard offset < state.inodes[id]!.data.count else {
                throw .shortRead(path: path, offset: offset, expected: 1, got: 0)
            }
            state.inodes[id]!.data[offset] ^= mask
            if offset < state.inodes[id]!.synced.count { state.inodes[id]!.synced[offset] ^= mask }
        }
    }

    /// The visible contents of a file (for tests).
    public func contents(of path: String) throws(FileSystemError) -> [UInt8] {
        try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            return state.inodes[id]!.data
        }
    }

    // MARK: FileSystem

    public func openForAppend(_ path: String, truncate: Bool) throws(FileSystemError) -> any WritableFile {
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            guard state.directories.contains(Self.parent(of: path)) else { throw .notFound(path: path) }
            let id: Int
            if let existing = state.entries[path] {
                id = existing
                if truncate { state.inodes[id]!.data = [] }
            } else {
                id = state.nextInode
                state.nextInode += 1
                state.inodes[id] = Inode()
                state.entries[path] = id
            }
            return SimulatedWritableFile(fileSystem: self, inode: id, path: path, generation: state.generation,
                                         size: state.inodes[id]!.data.count)
        }
    }

    public func openForReading(_ path: String) throws(FileSystemError) -> any ReadableFile {
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            return SimulatedReadableFile(fileSystem: self, inode: id, path: path, generation: state.generation,
                                         size: state.inodes[id]!.data.count)
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
            state.inodes[id]!.data = Array(state.inodes[id]!.data.prefix(size))
            state.inodes[id]!.synced = state.inodes[id]!.data
        }
    }

    public func fileSize(_ path: String) throws(FileSystemError) -> Int {
        let path = Self.normalize(path)
        return try state.withLock { state throws(FileSystemError) in
            guard let id = state.entries[path] else { throw .notFound(path: path) }
            return state.inodes[id]!.data.count
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
            state.inodes[inode]!.data.append(contentsOf: bytes)
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
            state.inodes[inode]!.synced = state.inodes[inode]!.data
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
            guard state.generation == generation, let data = state.inodes[inode]?.data else {
                throw .injected(operation: "read", path: path)
            }
            guard offset < data.count else { return 0 }
            let count = min(buffer.count, data.count - offset)
            data.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            return count
        }
    }

    func close() {}
}
