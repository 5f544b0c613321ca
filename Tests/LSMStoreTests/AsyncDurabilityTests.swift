import KVCore
import Testing
@testable import LSMStore

/// Tasks that wait for the fsync of `group` and `batch` modes suspend instead of blocking
/// their thread (`CommitLog.waitUntilDurable(_:) async`, `LSMTable.applyAwaitingSync`).
@Suite struct AsyncDurabilityTests {
    static let table = TableID(high: 7, low: 7)

    private static func storeOptions(_ mode: CommitLogSyncMode) -> StoreOptions {
        var options = StoreOptions()
        options.commitLog = CommitLogOptions(syncMode: mode)
        return options
    }

    /// Every task runs on the main actor, one thread: had a wait blocked it, each write
    /// would have waited for an fsync of its own before the next could start.
    @Test @MainActor func writersOnOneThreadShareFsyncs() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try LSMStore.open(directory: "/db", options: Self.storeOptions(.group(windowMs: 50)),
                                      fileSystem: fileSystem, clock: ManualClock())
        let table = try store.createTable(Self.table)
        let syncsBefore = fileSystem.syncCount
        let writers = (0..<20).map { index in
            Task { @MainActor in
                try await table.applyAwaitingSync(PartitionUpdate(partitionKey: key(index), rows: [row(index)]))
            }
        }
        for writer in writers { try await writer.value }
        let syncs = fileSystem.syncCount - syncsBefore
        #expect(syncs >= 1 && syncs <= 5, "\(syncs) fsyncs for 20 writes")
        for index in 0..<20 { #expect(try table.read(partition: key(index), clustering: []) != nil) }

        // Acknowledged means synced: all of it survives a power loss.
        store.stopAsIfKilled()
        fileSystem.crash(unsynced: .dropAll)
        let reopened = try LSMStore.open(directory: "/db", options: Self.storeOptions(.group(windowMs: 50)),
                                         fileSystem: fileSystem, clock: ManualClock())
        defer { try? reopened.close() }
        let replayed = try #require(reopened.table(Self.table))
        for index in 0..<20 { #expect(try replayed.read(partition: key(index), clustering: []) != nil) }
    }

    @Test func aFailedFsyncFailsTheWaitingWrite() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try LSMStore.open(directory: "/db", options: Self.storeOptions(.batch), fileSystem: fileSystem,
                                      clock: ManualClock())
        defer { try? store.close() }
        let table = try store.createTable(Self.table)
        try await table.applyAwaitingSync(PartitionUpdate(partitionKey: key(1), rows: [row(1)]))
        fileSystem.failSyncs(ofPathsContaining: "commitlog-")
        await #expect(throws: StoreError.self) {
            try await table.applyAwaitingSync(PartitionUpdate(partitionKey: key(2), rows: [row(2)]))
        }
        #expect(try table.read(partition: key(2), clustering: []) == nil, "an unsynced write must not become visible")
    }

    @Test func waitingAfterCloseThrowsClosed() async throws {
        let (log, _) = try openCommitLog(SimulatedFileSystem(), CommitLogOptions(syncMode: .batch))
        let position = try log.write(testPayload(1))
        try await log.waitUntilDurable(position)
        try log.close()
        do {
            try await log.waitUntilDurable(position)
            Issue.record("a wait after close returned")
        } catch {
            guard case .closed = error else { Issue.record("expected .closed, got \(error)"); return }
        }
    }

    private func key(_ index: Int) -> [UInt8] { Array("user-\(index)".utf8) }

    private func row(_ index: Int) -> Row {
        Row(clustering: [], cells: [Cell.live(column: 1, timestamp: Int64(index + 1), value: [UInt8(index & 0xFF)])])
    }
}
