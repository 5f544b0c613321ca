import Foundation
import KVCore
import Synchronization
import Testing
@testable import LSMStore

@Suite("CommitLog: appends, sync modes, segments")
struct CommitLogTests {
    @Test("records come back in order, across segments and oversized records")
    func roundTripAcrossSegments() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(segmentSizeBytes: 1024)
        let (log, initial) = try openCommitLog(fileSystem, options)
        #expect(initial.payloads.isEmpty)
        var appended: [[UInt8]] = []
        var positions: [CommitLogPosition] = []
        for index in 0..<300 {
            // Every 50th record is larger than a whole segment.
            let payload = testPayload(index, size: index % 50 == 49 ? 3000 : nil)
            appended.append(payload)
            positions.append(try log.append(payload))
            #expect(log.currentPosition == positions.last)
        }
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 })
        #expect(log.segmentFiles.count > 10)
        try log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads == appended)
        #expect(replayed.positions == positions)
        #expect(reopened.currentPosition > positions.last!)
        try reopened.close()
    }

    @Test("segment ids keep increasing across restarts and replayed segments are not appended to")
    func segmentIdsIncreaseAcrossRestarts() throws {
        let fileSystem = SimulatedFileSystem()
        var lastPosition = CommitLogPosition.zero
        for round in 0..<3 {
            let (log, replayed) = try openCommitLog(fileSystem, CommitLogOptions())
            #expect(replayed.payloads.count == round)
            #expect(log.currentPosition.segment == UInt64(round + 1))
            let position = try log.append(testPayload(round, size: 10))
            #expect(position > lastPosition)
            lastPosition = position
            try log.close()
        }
        let names = try fileSystem.listDirectory(commitLogDirectory).sorted()
        #expect(names == (1...3).map { CommitLogSegment.fileName(id: UInt64($0)) })
    }

    @Test("round trip on the real file system")
    func realDiskRoundTrip() throws {
        let directory = "/tmp/commitlog-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fileSystem = PosixFileSystem()
        let options = CommitLogOptions(syncMode: .batch, segmentSizeBytes: 4096)
        let (log, _) = try openCommitLog(fileSystem, directory: directory, options)
        let appended = (0..<100).map { testPayload($0) }
        let positions = try appended.map { try log.append($0) }
        try log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, directory: directory, options)
        #expect(replayed.payloads == appended)
        #expect(replayed.positions == positions)
        try reopened.close()
    }

    @Test("batch mode acknowledges only synced records", arguments: [CommitLogSyncMode.batch, .group(windowMs: 1)])
    func acknowledgedRecordsSurvivePowerLoss(mode: CommitLogSyncMode) throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: mode, segmentSizeBytes: 2048)
        let (log, _) = try openCommitLog(fileSystem, options)
        let appended = (0..<40).map { testPayload($0) }
        for payload in appended { _ = try log.append(payload) }
        fileSystem.crash(unsynced: .dropAll)
        try? log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads == appended)
        try reopened.close()
    }

    @Test("write then waitUntilDurable is append in two steps")
    func writeThenWait() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch)
        let (log, _) = try openCommitLog(fileSystem, options)
        let first = try log.write(testPayload(1))
        let second = try log.write(testPayload(2))
        try log.waitUntilDurable(second)
        try log.waitUntilDurable(first)
        fileSystem.crash(unsynced: .dropAll)
        try? log.close()
        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.positions == [first, second])
        try reopened.close()
    }

    @Test("periodic mode returns after the write, before any fsync")
    func periodicWritesImmediately() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .periodic(windowMs: 60_000))
        let (log, _) = try openCommitLog(fileSystem, options)
        let syncsBefore = fileSystem.syncCount
        let position = try log.append(testPayload(5))
        let path = segmentPath(position)
        let stored = try fileSystem.contents(of: path)[(position.offset - testPayload(5).count)..<position.offset]
        #expect(Array(stored) == testPayload(5))  // Written...
        #expect(fileSystem.syncCount == syncsBefore)  // ...but not synced.
        try log.close()
        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads == [testPayload(5)])
        try reopened.close()
    }

    @Test("periodic mode loses unsynced records on power loss, keeps them after sync()")
    func periodicLosesOnlyUnsyncedRecords() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .periodic(windowMs: 60_000))
        let (log, _) = try openCommitLog(fileSystem, options)
        _ = try log.append(testPayload(1))
        try log.sync()
        _ = try log.append(testPayload(2))
        fileSystem.crash(unsynced: .dropAll)
        try? log.close()
        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads == [testPayload(1)])
        try reopened.close()
    }

    @Test("the periodic syncer fsyncs in the background")
    func periodicSyncerRuns() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .periodic(windowMs: 5))
        let (log, _) = try openCommitLog(fileSystem, options)
        let syncsBefore = fileSystem.syncCount
        _ = try log.append(testPayload(3))
        #expect(syncedThenLostPower(fileSystem, syncsBefore: syncsBefore))
        try? log.close()
        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads == [testPayload(3)])
        try reopened.close()
    }

    @Test("the periodic syncer fsyncs before its window once the backlog reaches its bound")
    func periodicSyncerBoundsTheBacklog() throws {
        let fileSystem = SimulatedFileSystem()
        // An hour's window, and less than one 32 MiB segment written: no other sync is due.
        let options = CommitLogOptions(syncMode: .periodic(windowMs: 3_600_000))
        let (log, _) = try openCommitLog(fileSystem, options)
        let payload = [UInt8](repeating: 7, count: 64 << 10)
        let recordBytes = payload.count + CommitLogRecord.headerSizeBytes
        let boundRecords = CommitLogLimits.periodicSyncBacklogBytes / recordBytes
        let syncsBefore = fileSystem.syncCount
        // Past the bound by more than one prefault chunk: writers wake the syncer at each.
        for _ in 0..<(boundRecords + 8) { _ = try log.append(payload) }
        #expect(syncedThenLostPower(fileSystem, syncsBefore: syncsBefore))
        try? log.close()
        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads.count >= boundRecords)
        #expect(replayed.payloads.allSatisfy { $0 == payload })
        try reopened.close()
    }

    @Test("concurrent appenders share fsyncs (group commit)", arguments: [CommitLogSyncMode.batch, .group(windowMs: 1)])
    func concurrentAppendersShareSyncs(mode: CommitLogSyncMode) throws {
        let threadCount = 4, perThread = mode == .batch ? 500 : 100
        let simulated = SimulatedFileSystem()
        let fileSystem = SlowSyncFileSystem(base: simulated, syncDelayMicros: 50)
        let options = CommitLogOptions(syncMode: mode, segmentSizeBytes: 64 << 10)
        let (log, _) = try openCommitLog(fileSystem, options)
        let syncsBefore = simulated.syncCount
        let failures = Mutex(0)
        runOnThreads(threadCount) { thread in
            for index in 0..<perThread {
                let payload = [UInt8(thread)] + withUnsafeBytes(of: UInt32(index).littleEndian, Array.init)
                if (try? log.append(payload)) == nil { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let syncs = simulated.syncCount - syncsBefore
        #expect(syncs < threadCount * perThread, "\(syncs) fsyncs for \(threadCount * perThread) records")
        simulated.crash(unsynced: .dropAll)
        try? log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads.count == threadCount * perThread)
        for thread in 0..<threadCount {  // Each thread's records, in its order.
            let indexes = replayed.payloads.filter { $0[0] == UInt8(thread) }.map {
                Int($0.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 1, as: UInt32.self)) })
            }
            #expect(indexes == Array(0..<perThread))
        }
        try reopened.close()
    }

    @Test("group mode starts fsyncs at most once per window")
    func groupWindowSpacesSyncs() throws {
        let (log, _) = try openCommitLog(SimulatedFileSystem(), CommitLogOptions(syncMode: .group(windowMs: 20)))
        let start = ContinuousClock.now
        for index in 0..<5 { _ = try log.append(testPayload(index)) }  // Each waits for its own sync.
        #expect(ContinuousClock.now - start >= .milliseconds(80))
        try log.close()
    }

    @Test("a failed fsync is fatal")
    func failedSyncIsFatal() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch)
        let (log, _) = try openCommitLog(fileSystem, options)
        _ = try log.append(testPayload(1))
        fileSystem.failSyncs(ofPathsContaining: "commitlog-")
        #expect(throws: StoreError.self) { try log.append(testPayload(2)) }
        fileSystem.clearFaults()
        for attempt in 0..<2 {
            do {
                _ = try log.append(testPayload(3 + attempt))
                Issue.record("append after a failed fsync succeeded")
            } catch {
                guard case .failed(let reason) = error else { Issue.record("\(error)"); continue }
                #expect(reason.contains("fsync"))
            }
        }
        #expect(throws: StoreError.self) { try log.sync() }
        #expect(throws: StoreError.self) { try log.close() }
        try log.close()  // Idempotent.

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads.first == testPayload(1))
        try reopened.close()
    }

    @Test("discardSegments removes only segments wholly before the position, never the active one")
    func discardSegments() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch, segmentSizeBytes: 256)
        let (log, _) = try openCommitLog(fileSystem, options)
        let positions = try (0..<60).map { try log.append(testPayload($0, size: 50)) }
        let segments = Set(positions.map(\.segment)).sorted()
        #expect(segments.count >= 5)
        // A record in the middle of the third segment: the first two go, the third stays.
        let third = positions.filter { $0.segment == segments[2] }
        try log.discardSegments(before: third[0])
        #expect(log.segmentFiles == Array(segments[2...]).map { CommitLogSegment.fileName(id: $0) })
        // The last record of the third segment ends exactly at the position: it goes too.
        try log.discardSegments(before: third.last!)
        #expect(log.segmentFiles.first == CommitLogSegment.fileName(id: segments[3]))
        try log.discardSegments(before: log.currentPosition)
        #expect(log.segmentFiles == [CommitLogSegment.fileName(id: segments.last!)])
        #expect(try fileSystem.listDirectory(commitLogDirectory) == log.segmentFiles)
        try log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.positions == positions.filter { $0.segment == segments.last! })
        try reopened.discardSegments(before: reopened.currentPosition)  // Replayed segments can go too.
        #expect(reopened.segmentFiles.count == 1)
        try reopened.close()
    }

    @Test("a record over maxRecordSizeBytes is refused")
    func oversizedRecordRefused() throws {
        let fileSystem = SimulatedFileSystem()
        let (log, _) = try openCommitLog(fileSystem, CommitLogOptions(maxRecordSizeBytes: 100))
        _ = try log.append(testPayload(1, size: 100))
        do {
            _ = try log.append(testPayload(2, size: 101))
            Issue.record("oversized append succeeded")
        } catch {
            guard case .invalidArgument = error else { Issue.record("\(error)"); return }
        }
        _ = try log.append(testPayload(3, size: 1))  // Not fatal.
        try log.close()
    }

    @Test("invalid options are refused")
    func invalidOptionsRefused() {
        let fileSystem = SimulatedFileSystem()
        for options in [CommitLogOptions(syncMode: .periodic(windowMs: 0)), CommitLogOptions(segmentSizeBytes: 10),
                        CommitLogOptions(maxRecordSizeBytes: -1)] {
            #expect(throws: StoreError.self) { try openCommitLog(fileSystem, options) }
        }
    }

    @Test("after close, calls throw .closed and close is idempotent")
    func closedLogRefusesCalls() throws {
        let (log, _) = try openCommitLog(SimulatedFileSystem(), CommitLogOptions())
        try log.close()
        try log.close()
        for call in [{ _ = try log.append(testPayload(1)) }, { try log.sync() },
                     { try log.discardSegments(before: log.currentPosition) }] as [() throws -> Void] {
            do {
                try call()
                Issue.record("call on a closed log succeeded")
            } catch StoreError.closed {
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
