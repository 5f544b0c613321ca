import KVCore
import Synchronization
import Testing

@testable import Coordinator

/// Builders shared by the hint suites.
enum HintFixtures {
    static let directory = "/data/hints"
    static let hostA = HostID(high: 0xA, low: 1)
    static let hostB = HostID(high: 0xB, low: 2)
    static let windowMillis: Int64 = 3 * 3600 * 1000

    /// A distinct mutation per `number`.
    static func mutation(_ number: Int) -> Mutation {
        Fixtures.mutation(Fixtures.partition(Fixtures.storageKey(number),
                                             rows: [Fixtures.row([UInt8(number % 256)], "v\(number)", at: Int64(number))]))
    }

    /// The on-disk size of the record of `mutation`.
    static func recordSize(_ mutation: Mutation) -> Int {
        HintRecord.headerSizeBytes + ReplicaMessageCodec.encode(mutation).count
    }

    static func path(_ host: HostID) -> String { joinPath(directory, host.uuidString + ".hints") }

    static func open(_ fileSystem: SimulatedFileSystem, clock: ManualClock = ManualClock(),
                     window: Int64 = windowMillis, maxBytes: Int = 1 << 20,
                     problems: ProblemLog? = nil) throws -> HintStore {
        try HintStore(directory: directory, fileSystem: fileSystem, clock: clock, maxHintWindowMillis: window,
                      maxBytesPerHost: maxBytes, onProblem: { problems?.add($0) })
    }

    /// Replays `host` and returns what was delivered, in order.
    static func drain(_ store: HintStore, _ host: HostID) async throws -> [Mutation] {
        var delivered: [Mutation] = []
        _ = try await store.replay(for: host) { delivered.append($0) }
        return delivered
    }
}

/// Collects the store's problem lines.
final class ProblemLog: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

struct DeliveryRefused: Error {}

@Suite struct HintStoreTests {
    typealias F = HintFixtures

    @Test func storesAndReplaysInAppendOrder() async throws {
        let store = try F.open(SimulatedFileSystem())
        for number in 0..<5 { try store.store(F.mutation(number), for: F.hostA) }
        for number in 5..<7 { try store.store(F.mutation(number), for: F.hostB) }
        #expect(store.pending(for: F.hostA) == 5)
        #expect(store.pending(for: F.hostB) == 2)
        #expect(store.hostsWithHints == [F.hostA, F.hostB])

        var delivered: [Mutation] = []
        let report = try await store.replay(for: F.hostA) { delivered.append($0) }
        #expect(delivered == (0..<5).map(F.mutation))
        #expect(report == HintReplayReport(delivered: 5, remaining: 0))
        #expect(store.pending(for: F.hostA) == 0)
        #expect(store.hostsWithHints == [F.hostB])
        #expect(store.counters.stored == 7 && store.counters.delivered == 5)
    }

    @Test func fullReplayDeletesTheFile() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        try store.store(F.mutation(1), for: F.hostA)
        #expect(fileSystem.exists(F.path(F.hostA)))
        _ = try await F.drain(store, F.hostA)
        #expect(!fileSystem.exists(F.path(F.hostA)))
    }

    @Test func replayOfAHostWithoutHintsDoesNothing() async throws {
        let store = try F.open(SimulatedFileSystem())
        let report = try await store.replay(for: F.hostA) { _ in Issue.record("nothing to deliver") }
        #expect(report == HintReplayReport())
    }

    @Test func acknowledgedHintsSurviveACrash() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        for number in 0..<10 { try store.store(F.mutation(number), for: number.isMultiple(of: 2) ? F.hostA : F.hostB) }
        fileSystem.crash(unsynced: .dropAll)

        let reopened = try F.open(fileSystem)
        #expect(reopened.pending(for: F.hostA) == 5 && reopened.pending(for: F.hostB) == 5)
        #expect(try await F.drain(reopened, F.hostA) == stride(from: 0, to: 10, by: 2).map(F.mutation))
        #expect(try await F.drain(reopened, F.hostB) == stride(from: 1, to: 10, by: 2).map(F.mutation))
    }

    @Test func restartedStoreStillHasItsHints() async throws {
        let fileSystem = SimulatedFileSystem()
        do {
            let store = try F.open(fileSystem)
            for number in 0..<3 { try store.store(F.mutation(number), for: F.hostA) }
        }
        let reopened = try F.open(fileSystem)
        #expect(reopened.hostsWithHints == [F.hostA])
        #expect(try await F.drain(reopened, F.hostA) == (0..<3).map(F.mutation))
    }

    @Test func concurrentStoresAreAllDurable() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<25 { try store.store(F.mutation(worker * 100 + index), for: index.isMultiple(of: 2) ? F.hostA : F.hostB) }
                }
            }
            try await group.waitForAll()
        }
        fileSystem.crash()
        let reopened = try F.open(fileSystem)
        #expect(reopened.pending(for: F.hostA) + reopened.pending(for: F.hostB) == 100)
    }

    @Test func tornTailIsCutOnLoad() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        for number in 0..<3 { try store.store(F.mutation(number), for: F.hostA) }
        let intactSize = try fileSystem.fileSize(F.path(F.hostA))
        // A crash mid-append: half of a fourth record reached the disk.
        let record = HintRecord.encode(payload: ReplicaMessageCodec.encode(F.mutation(3)), createdAtMillis: 1)
        let file = try fileSystem.openForAppend(F.path(F.hostA), truncate: false)
        try file.append(Array(record.prefix(record.count / 2)))
        try file.sync()
        fileSystem.crash()

        let problems = ProblemLog()
        let reopened = try F.open(fileSystem, problems: problems)
        #expect(reopened.pending(for: F.hostA) == 3)
        #expect(try fileSystem.fileSize(F.path(F.hostA)) == intactSize)
        #expect(reopened.counters.corrupt == 0)
        #expect(problems.all.count == 1)
        try reopened.store(F.mutation(4), for: F.hostA)
        #expect(try await F.drain(reopened, F.hostA) == [0, 1, 2, 4].map(F.mutation))
    }

    /// Whatever prefix of an unsynced tail a crash keeps, every acknowledged hint loads, in
    /// order, and nothing is taken for corruption.
    @Test(arguments: 0..<16 as Range<UInt64>)
    func anyTornTailLoadsEveryAcknowledgedHint(seed: UInt64) async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        for number in 0..<4 { try store.store(F.mutation(number), for: F.hostA) }
        let file = try fileSystem.openForAppend(F.path(F.hostA), truncate: false)
        for number in 4..<6 {
            try file.append(HintRecord.encode(payload: ReplicaMessageCodec.encode(F.mutation(number)),
                                              createdAtMillis: ManualClock().nowMicros() / 1000))
        }
        fileSystem.crash(unsynced: .keepRandomPrefix(SeededRandomSource(seed: seed)))

        let reopened = try F.open(fileSystem)
        let delivered = try await F.drain(reopened, F.hostA)
        #expect(delivered.count >= 4 && delivered == (0..<delivered.count).map(F.mutation))
        #expect(reopened.counters.corrupt == 0)
    }

    @Test func tornHeaderIsCutOnLoad() throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        try store.store(F.mutation(0), for: F.hostA)
        let file = try fileSystem.openForAppend(F.path(F.hostA), truncate: false)
        try file.append([1, 2, 3])
        try file.sync()
        #expect(try F.open(fileSystem).pending(for: F.hostA) == 1)
    }

    @Test func corruptMiddleIsSetAsideWithoutTouchingOtherHosts() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        for number in 0..<3 { try store.store(F.mutation(number), for: F.hostA) }
        for number in 3..<5 { try store.store(F.mutation(number), for: F.hostB) }
        try fileSystem.corrupt(F.path(F.hostA), at: HintRecord.headerSizeBytes + 2, xor: 0x40)

        let problems = ProblemLog()
        let reopened = try F.open(fileSystem, problems: problems)
        #expect(reopened.pending(for: F.hostA) == 0)
        #expect(reopened.pending(for: F.hostB) == 2)
        #expect(reopened.counters.corrupt == 1)
        #expect(problems.all.count == 1)
        #expect(fileSystem.exists(F.path(F.hostA) + ".corrupt"))
        #expect(!fileSystem.exists(F.path(F.hostA)))
        #expect(try await F.drain(reopened, F.hostB) == [3, 4].map(F.mutation))
        // New hints for the host start a fresh file.
        try reopened.store(F.mutation(9), for: F.hostA)
        #expect(try await F.drain(reopened, F.hostA) == [F.mutation(9)])
    }

    @Test func corruptionFoundDuringReplaySetsTheFileAside() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        for number in 0..<3 { try store.store(F.mutation(number), for: F.hostA) }
        try store.store(F.mutation(7), for: F.hostB)
        let secondRecord = F.recordSize(F.mutation(0))
        try fileSystem.corrupt(F.path(F.hostA), at: secondRecord + HintRecord.headerSizeBytes + 1, xor: 0x01)

        var delivered: [Mutation] = []
        await #expect(throws: HintStoreError.self) {
            _ = try await store.replay(for: F.hostA) { delivered.append($0) }
        }
        #expect(delivered == [F.mutation(0)])
        #expect(store.pending(for: F.hostA) == 0)
        #expect(store.counters.corrupt == 1)
        #expect(fileSystem.exists(F.path(F.hostA) + ".corrupt"))
        #expect(try await F.drain(store, F.hostB) == [F.mutation(7)])
    }

    @Test func hintsOlderThanTheWindowExpire() async throws {
        let clock = ManualClock()
        let store = try F.open(SimulatedFileSystem(), clock: clock, window: 1000)
        try store.store(F.mutation(0), for: F.hostA)
        try store.store(F.mutation(1), for: F.hostA)
        clock.advance(micros: 600_000)
        try store.store(F.mutation(2), for: F.hostA)
        clock.advance(micros: 600_000)

        var delivered: [Mutation] = []
        let report = try await store.replay(for: F.hostA) { delivered.append($0) }
        #expect(delivered == [F.mutation(2)])
        #expect(report == HintReplayReport(delivered: 1, expired: 2, remaining: 0))
        #expect(store.counters.expired == 2)
    }

    @Test func aFullHostRefusesHintsAndOthersStillStore() async throws {
        let twoRecords = F.recordSize(F.mutation(0)) + F.recordSize(F.mutation(1))
        let store = try F.open(SimulatedFileSystem(), maxBytes: twoRecords)
        try store.store(F.mutation(0), for: F.hostA)
        try store.store(F.mutation(1), for: F.hostA)
        #expect(throws: HintStoreError.self) { try store.store(F.mutation(2), for: F.hostA) }
        try store.store(F.mutation(3), for: F.hostB)
        #expect(store.pending(for: F.hostA) == 2)
        #expect(store.counters.refused == 1 && store.counters.stored == 3)

        _ = try await F.drain(store, F.hostA)
        try store.store(F.mutation(2), for: F.hostA)
        #expect(store.pending(for: F.hostA) == 1)
    }

    @Test func partialReplayKeepsExactlyTheRest() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        for number in 0..<5 { try store.store(F.mutation(number), for: F.hostA) }

        var delivered: [Mutation] = []
        do {
            _ = try await store.replay(for: F.hostA) { mutation in
                guard delivered.count < 2 else { throw DeliveryRefused() }
                delivered.append(mutation)
            }
            Issue.record("replay should fail")
        } catch {
            #expect(error == .deliveryFailed(F.hostA, report: HintReplayReport(delivered: 2, remaining: 3),
                                             reason: "\(DeliveryRefused())"))
        }
        #expect(store.pending(for: F.hostA) == 3)

        // The rewrite is durable: a crash and restart still hold exactly the rest.
        fileSystem.crash()
        let reopened = try F.open(fileSystem)
        #expect(try await F.drain(reopened, F.hostA) == (2..<5).map(F.mutation))
        #expect(reopened.pending(for: F.hostA) == 0)
    }

    @Test func hintsStoredDuringAReplayAreKept() async throws {
        let store = try F.open(SimulatedFileSystem())
        for number in 0..<2 { try store.store(F.mutation(number), for: F.hostA) }
        var delivered: [Mutation] = []
        let report = try await store.replay(for: F.hostA) { mutation in
            delivered.append(mutation)
            if delivered.count == 1 { try store.store(F.mutation(9), for: F.hostA) }
        }
        #expect(delivered == [0, 1].map(F.mutation))
        #expect(report.remaining == 1)
        #expect(try await F.drain(store, F.hostA) == [F.mutation(9)])
    }

    @Test func oneReplayPerHostAtATime() async throws {
        let store = try F.open(SimulatedFileSystem())
        try store.store(F.mutation(0), for: F.hostA)
        _ = try await store.replay(for: F.hostA) { _ in
            await #expect(throws: HintStoreError.replayInProgress(F.hostA)) {
                _ = try await store.replay(for: F.hostA) { _ in }
            }
        }
        #expect(store.pending(for: F.hostA) == 0)
    }

    @Test func leftoverRewriteFileIsRemovedAndTheOriginalKept() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        for number in 0..<2 { try store.store(F.mutation(number), for: F.hostA) }
        // A crash after the temporary file of a rewrite was written, before its rename.
        let temporary = try fileSystem.openForAppend(F.path(F.hostA) + ".tmp", truncate: true)
        try temporary.append([1, 2, 3, 4])
        try temporary.sync()
        try fileSystem.syncDirectory(F.directory)

        let reopened = try F.open(fileSystem)
        #expect(!fileSystem.exists(F.path(F.hostA) + ".tmp"))
        #expect(try await F.drain(reopened, F.hostA) == [0, 1].map(F.mutation))
    }

    @Test func unrelatedFilesInTheDirectoryAreIgnored() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory(F.directory)
        _ = try fileSystem.openForAppend(joinPath(F.directory, "not-a-uuid.hints"), truncate: true)
        _ = try fileSystem.openForAppend(joinPath(F.directory, "README"), truncate: true)
        #expect(try F.open(fileSystem).hostsWithHints.isEmpty)
    }

    @Test func aFailedSyncStoresNothing() async throws {
        let fileSystem = SimulatedFileSystem()
        let store = try F.open(fileSystem)
        try store.store(F.mutation(0), for: F.hostA)
        fileSystem.failSyncs(ofPathsContaining: ".hints")
        #expect(throws: HintStoreError.self) { try store.store(F.mutation(1), for: F.hostA) }
        fileSystem.clearFaults()
        #expect(store.pending(for: F.hostA) == 1)
        try store.store(F.mutation(2), for: F.hostA)
        fileSystem.crash()
        #expect(try await F.drain(try F.open(fileSystem), F.hostA) == [0, 2].map(F.mutation))
    }
}
