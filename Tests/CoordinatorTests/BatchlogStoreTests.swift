import KVCore
import Testing

@testable import Coordinator

/// The batchlog on disk: a stored batch survives a crash whole, is found again at open, is
/// due for replay only after the timeout, and damage is set aside rather than replayed.
@Suite struct BatchlogStoreTests {
    static let directory = "/batchlog"
    static let id = BatchID(high: 0x0123_4567_89AB_CDEF, low: 42)

    static func open(_ fileSystem: SimulatedFileSystem, _ clock: ManualClock = ManualClock(),
                     maxTotalBytes: Int = 1 << 20, problems: ProblemLog = ProblemLog()) throws -> BatchlogStore {
        try BatchlogStore(directory: directory, fileSystem: fileSystem, clock: clock, maxTotalBytes: maxTotalBytes,
                          onProblem: { problems.add($0) })
    }

    static func payload(_ id: BatchID = id, keys: [Int] = [1, 2]) -> [UInt8] {
        let mutations = keys.map { Fixtures.mutation(Fixtures.partition(Fixtures.storageKey($0), rows: [Fixtures.row([], "v\($0)", at: 7)])) }
        return BatchlogCodec.encode(LoggedBatch(id: id, groups: [.init(keyspace: "ks", mutations: mutations)]))
    }

    @Test func aStoredBatchSurvivesACrashAndIsFoundAtOpen() throws {
        let fileSystem = SimulatedFileSystem()
        let store = try Self.open(fileSystem)
        try store.store(Self.id, payload: Self.payload())
        fileSystem.crash()
        let reopened = try Self.open(fileSystem)
        #expect(reopened.storedIDs == [Self.id])
        #expect(try reopened.payload(of: Self.id) == Self.payload())
        #expect(try fileSystem.listDirectory(Self.directory) == ["\(Self.id).batch"])
    }

    @Test func aRemovedBatchIsGoneAndRemovingTwiceIsNoError() throws {
        let fileSystem = SimulatedFileSystem()
        let store = try Self.open(fileSystem)
        try store.store(Self.id, payload: Self.payload())
        try store.remove(Self.id)
        try store.remove(Self.id)
        #expect(store.count == 0)
        #expect(throws: BatchlogStoreError.notFound(Self.id)) { try store.payload(of: Self.id) }
        #expect(try Self.open(fileSystem).count == 0)
    }

    @Test func onlyBatchesOlderThanTheTimeoutAreDue() throws {
        let clock = ManualClock()
        let store = try Self.open(SimulatedFileSystem(), clock)
        let later = BatchID(high: 1, low: 1)
        try store.store(Self.id, payload: Self.payload())
        clock.advance(micros: 3_000_000)
        try store.store(later, payload: Self.payload(later))
        #expect(store.ids(olderThanMillis: 4000).isEmpty)
        clock.advance(micros: 1_000_000)
        #expect(store.ids(olderThanMillis: 4000) == [Self.id])
        clock.advance(micros: 3_000_000)
        #expect(store.ids(olderThanMillis: 4000) == [Self.id, later])
    }

    @Test func anInterruptedStoreLeavesNothingBehind() throws {
        let fileSystem = SimulatedFileSystem()
        let store = try Self.open(fileSystem)
        fileSystem.failSyncs(ofPathsContaining: ".batch.tmp")
        #expect(throws: BatchlogStoreError.self) { try store.store(Self.id, payload: Self.payload()) }
        #expect(store.count == 0)
        fileSystem.clearFaults()
        // A temporary file left by a crash mid-store is removed at open.
        try fileSystem.openForAppend("\(Self.directory)/\(Self.id).batch.tmp", truncate: true).close()
        #expect(try Self.open(fileSystem).count == 0)
        #expect(try fileSystem.listDirectory(Self.directory).isEmpty)
    }

    @Test func aDamagedFileIsSetAsideAndReported() throws {
        let fileSystem = SimulatedFileSystem()
        let other = BatchID(high: 9, low: 9)
        let store = try Self.open(fileSystem)
        try store.store(Self.id, payload: Self.payload())
        try store.store(other, payload: Self.payload(other))
        try fileSystem.corrupt("\(Self.directory)/\(Self.id).batch", at: 30, xor: 0x40)
        let problems = ProblemLog()
        let reopened = try Self.open(fileSystem, problems: problems)
        #expect(reopened.storedIDs == [other])
        #expect(problems.all.count == 1 && problems.all[0].contains("checksum mismatch"))
        #expect(fileSystem.exists("\(Self.directory)/\(Self.id).batch.corrupt"))
    }

    @Test func aStoreBeyondTheSizeLimitIsRefused() throws {
        let store = try Self.open(SimulatedFileSystem(), maxTotalBytes: 300)
        try store.store(Self.id, payload: Self.payload())
        let other = BatchID(high: 2, low: 2)
        #expect {
            try store.store(other, payload: Self.payload(other, keys: Array(0..<20)))
        } throws: { error in
            if case .full = error as? BatchlogStoreError { return true }
            return false
        }
        #expect(store.storedIDs == [Self.id])
    }
}
