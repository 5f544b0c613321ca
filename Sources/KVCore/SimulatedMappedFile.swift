/// A mapped file of a `SimulatedFileSystem`: stores go straight into the visible contents (the
/// page cache survives a process crash) and become durable on `sync` (power loss drops them
/// before). After a simulated crash (of power or process) the handle fails, as the mapping
/// died with its process.
final class SimulatedMappedFile: MappedFile, @unchecked Sendable {
    // `isSealed` is owned by the single writer (MappedFile's contract); the rest is immutable.
    private let fileSystem: SimulatedFileSystem
    private let inode: Int
    private let path: String
    private let generation: Int
    let capacityBytes: Int
    private var isSealed = false

    init(fileSystem: SimulatedFileSystem, inode: Int, path: String, generation: Int, capacityBytes: Int) {
        self.fileSystem = fileSystem
        self.inode = inode
        self.path = path
        self.generation = generation
        self.capacityBytes = capacityBytes
    }

    func store(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        precondition(offset >= 0 && offset + bytes.count <= capacityBytes, "store past the mapping of \(path)")
        precondition(!isSealed, "store into the sealed file \(path)")
        try withLiveInode("store", isSync: false) { $0.write(bytes, at: offset) }
    }

    /// Nothing to do: simulated stores take no page faults.
    func prefault(from offset: Int, count: Int) {}

    /// Nothing to do: a simulated file has no page tables.
    func releasePages(before offset: Int) {}

    func sync() throws(FileSystemError) {
        try withLiveInode("fsync", isSync: true) { $0.sync() }
    }

    func seal(sizeBytes: Int) throws(FileSystemError) {
        precondition(sizeBytes <= capacityBytes, "sealing \(path) past its capacity")
        isSealed = true
        try withLiveInode("fsync", isSync: true) { $0.truncate(toSize: sizeBytes) }
    }

    func close() throws(FileSystemError) {}

    /// Runs `body` on the inode unless the handle died in a crash, or `isSync` and syncs of
    /// this path are set to fail; counts successful syncs.
    private func withLiveInode(_ operation: String, isSync: Bool,
                               _ body: (inout SimulatedFileSystem.Inode) -> Void) throws(FileSystemError) {
        try fileSystem.state.withLock { state throws(FileSystemError) in
            guard state.generation == generation, state.inodes[inode] != nil else {
                throw .injected(operation: operation, path: path)
            }
            if isSync {
                if state.failSyncPathsContaining.contains(where: { path.contains($0) }) {
                    throw .injected(operation: operation, path: path)
                }
                state.syncCount += 1
            }
            body(&state.inodes[inode]!)
        }
    }
}
