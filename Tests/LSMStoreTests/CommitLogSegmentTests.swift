import KVCore
import Testing
@testable import LSMStore

/// Preallocated, memory-mapped segments (format v2): what a process crash and a power loss
/// leave of records stored through the mapping, zero tails, rollover and full disks.
@Suite("CommitLog: mapped segments")
struct CommitLogSegmentTests {
    static let segmentSizeBytes = 1024
    static let periodic = CommitLogOptions(syncMode: .periodic(windowMs: 3_600_000), segmentSizeBytes: segmentSizeBytes)

    /// Appends payloads 0..<count, syncing after the first `synced` of them.
    static func appendRecords(_ log: CommitLog, count: Int, synced: Int) throws -> [CommitLogPosition] {
        var positions: [CommitLogPosition] = []
        for index in 0..<count {
            positions.append(try log.append(testPayload(index, size: 50)))
            if index + 1 == synced { try log.sync() }
        }
        return positions
    }

    static func payloads(_ count: Int) -> [[UInt8]] { (0..<count).map { testPayload($0, size: 50) } }

    @Test("records stored through the mapping survive a process crash; the zero tail is cut at replay")
    func processCrashKeepsStoredRecords() throws {
        let fileSystem = SimulatedFileSystem()
        let (log, _) = try openCommitLog(fileSystem, Self.periodic)
        let positions = try Self.appendRecords(log, count: 6, synced: 2)
        fileSystem.crashProcess()
        try? log.close()  // Fails: the handles died with the process, so nothing is sealed.
        #expect(try fileSystem.fileSize(segmentPath(positions[5])) == Self.segmentSizeBytes, "preallocated, never sealed")

        let (reopened, replayed) = try openCommitLog(fileSystem, Self.periodic)
        #expect(replayed.payloads == Self.payloads(6))
        #expect(replayed.positions == positions)
        #expect(try fileSystem.fileSize(segmentPath(positions[5])) == positions[5].offset, "the zeros were cut away")
        try reopened.close()
    }

    @Test("after a power loss only the synced records are replayed")
    func powerLossKeepsOnlySyncedRecords() throws {
        let fileSystem = SimulatedFileSystem()
        let (log, _) = try openCommitLog(fileSystem, Self.periodic)
        let positions = try Self.appendRecords(log, count: 6, synced: 2)
        fileSystem.crash(unsynced: .dropAll)
        try? log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, Self.periodic)
        #expect(replayed.payloads == Self.payloads(2))
        #expect(replayed.positions == Array(positions[..<2]))
        try reopened.close()
    }

    @Test("a zero tail is a clean end in a segment followed by newer ones; damage after the zeros is not")
    func zeroTailBeforeNewerSegments() throws {
        let fileSystem = SimulatedFileSystem()
        let (log, _) = try openCommitLog(fileSystem, Self.periodic)
        let positions = try Self.appendRecords(log, count: 3, synced: 0)
        fileSystem.crashProcess()
        try? log.close()
        // A newer segment written after the crash, itself left unsealed: header, one record, zeros.
        let newer = CommitLogPosition(segment: positions[2].segment + 1, offset: 0)
        let file = try fileSystem.createMapped(segmentPath(newer), capacityBytes: Self.segmentSizeBytes)
        var bytes = CommitLogSegmentHeader(version: 2, segmentId: newer.segment, firstSequence: 4).encoded()
        let payload = testPayload(3, size: 50)
        CommitLogRecord.appendHeader(payloadChecksum: CRC32C.checksum(payload), payloadSizeBytes: payload.count,
                                     sequence: 4, to: &bytes)
        try file.store(bytes + payload, at: 0)
        try file.sync()

        let (reopened, replayed) = try openCommitLog(fileSystem, Self.periodic)
        #expect(replayed.payloads == Self.payloads(4))
        #expect(replayed.positions == positions + [CommitLogPosition(segment: newer.segment, offset: bytes.count + payload.count)])
        #expect(try fileSystem.fileSize(segmentPath(positions[2])) == Self.segmentSizeBytes, "an earlier segment is never written")
        try reopened.close()

        try fileSystem.corrupt(segmentPath(positions[2]), at: Self.segmentSizeBytes - 1, xor: 0x01)
        do {
            _ = try openCommitLog(fileSystem, Self.periodic)
            Issue.record("a non-zero byte after the zero header of an earlier segment was accepted")
        } catch StoreError.corruption(let path, let offset, _) {
            #expect(path == segmentPath(positions[2]))
            #expect(offset == positions[2].offset)
        }
    }

    @Test("a full segment is sealed to its records and the next one preallocated")
    func rollover() throws {
        let fileSystem = SimulatedFileSystem()
        let (log, _) = try openCommitLog(fileSystem, Self.periodic)
        let positions = try Self.appendRecords(log, count: 40, synced: 0)  // 66 bytes each: 15 per segment.
        let segments = Set(positions.map(\.segment)).sorted()
        #expect(segments.count == 3)
        for segment in segments.dropLast() {
            let last = positions.last { $0.segment == segment }!
            #expect(try fileSystem.fileSize(segmentPath(last)) == last.offset, "sealed segment \(segment)")
            #expect(last.offset + 66 > Self.segmentSizeBytes, "segment \(segment) was full")
        }
        #expect(try fileSystem.fileSize(segmentPath(positions[39])) == Self.segmentSizeBytes)
        fileSystem.crash(unsynced: .dropAll)  // Sealing synced every segment but the active one.
        try? log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, Self.periodic)
        let sealedCount = positions.filter { $0.segment < segments.last! }.count
        #expect(replayed.payloads == Self.payloads(sealedCount))
        try reopened.close()
    }

    @Test("records larger than what is left, than a segment, or than 64 KiB get the room they need")
    func largeRecords() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch, segmentSizeBytes: Self.segmentSizeBytes)
        let (log, _) = try openCommitLog(fileSystem, options)
        let payloads = [testPayload(1, size: 600), testPayload(2, size: 600), testPayload(3, size: 5000),
                        testPayload(4, size: 10), testPayload(5, size: 100 << 10)]
        let positions = try payloads.map { try log.append($0) }
        #expect(positions.map(\.segment) == [1, 2, 3, 4, 5], "each record needed a new segment")
        #expect(try fileSystem.fileSize(segmentPath(positions[2])) == CommitLogSegmentHeader.sizeBytes + 16 + 5000)
        fileSystem.crash(unsynced: .dropAll)
        try? log.close()

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads == payloads)
        #expect(replayed.positions == positions)
        try reopened.close()
    }

    @Test("a full disk fails at preallocation with a clear error, at open and at rollover")
    func diskFullAtPreallocation() throws {
        let fileSystem = SimulatedFileSystem()
        fileSystem.failPreallocations(ofPathsContaining: CommitLogSegment.fileName(id: 1))
        do {
            _ = try openCommitLog(fileSystem, Self.periodic)
            Issue.record("open succeeded on a full disk")
        } catch {
            #expect("\(error)".contains("No space left on device"), "\(error)")
            #expect("\(error)".contains(CommitLogSegment.fileName(id: 1)), "\(error)")
        }
        fileSystem.clearFaults()

        let (log, _) = try openCommitLog(fileSystem, Self.periodic)
        let first = try log.append(testPayload(0, size: 500))
        fileSystem.failPreallocations(ofPathsContaining: CommitLogSegment.fileName(id: first.segment + 1))
        do {
            _ = try log.append(testPayload(1, size: 600))
            Issue.record("rollover succeeded on a full disk")
        } catch {
            // Matching `catch StoreError.failed(let reason)` on this typed throw crashes Swift 6.3.1.
            guard case .failed(let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(reason.contains("No space left on device"), "\(reason)")
            #expect(reason.contains(CommitLogSegment.fileName(id: first.segment + 1)), "\(reason)")
        }
        #expect(throws: StoreError.self) { _ = try log.append(testPayload(2)) }
        try? log.close()
        fileSystem.clearFaults()

        let (reopened, replayed) = try openCommitLog(fileSystem, Self.periodic)
        #expect(replayed.payloads == [testPayload(0, size: 500)], "the sealed record survives")
        try reopened.close()
    }

    @Test("a header of zeros is never an intact record")
    func zeroHeaderIsDamaged() {
        let zeros = [UInt8](repeating: 0, count: CommitLogRecord.headerSizeBytes)
        #expect(!zeros.withUnsafeBytes(CommitLogRecord.isIntact))
    }

    @Test("writers ask the prefaulter for the chunk after each one they enter, and for a new segment's first two")
    func prefaultRequests() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory(commitLogDirectory)
        let chunk = CommitLogLimits.prefaultChunkSizeBytes
        let segment = try CommitLogSegment.create(directory: commitLogDirectory, id: 1, firstSequence: 1,
                                                  capacityBytes: 4 * chunk, fileSystem: fileSystem)
        var state = CommitLogWriterState(active: segment, sealed: [], nextSequence: 1)
        // One step per line: #expect cannot call a mutating method.
        let first = state.takePrefaultRequest()
        #expect(first?.offset == 0 && first?.count == 2 * chunk)
        let crossedEarly = state.recordWritten(sizeBytes: chunk - 100)
        #expect(!crossedEarly)
        let none = state.takePrefaultRequest()
        #expect(none == nil)
        let crossed = state.recordWritten(sizeBytes: 200)
        #expect(crossed, "this record crosses into the second chunk")
        let second = state.takePrefaultRequest()
        #expect(second?.offset == 2 * chunk && second?.count == chunk)
        let skipped = state.recordWritten(sizeBytes: 2 * chunk)
        #expect(skipped, "a large record may skip a chunk")
        let last = state.takePrefaultRequest()
        #expect(last?.offset == 4 * chunk, "past the end: the file clamps it")
    }
}
